import sys
from pathlib import Path

import ase.io

from npshape import io
from npshape.logs import log_to

log = log_to(snakemake.log[0])
sys.path.insert(0, str(Path(snakemake.scriptdir).parent))  # workflow/: the evaluation builders, outside the package
from evaluation import in_domain, out_of_domain  # noqa: E402

for name, build in (("in_domain", in_domain.build_in_domain_set), ("out_of_domain", out_of_domain.build_out_of_domain_set)):
    structures = build(quick=snakemake.params.quick)
    with io.atomic_path(snakemake.output[name]) as tmp:
        ase.io.write(tmp, structures, format="extxyz")
    log.info("wrote %s: %d clusters", snakemake.output[name], len(structures))
