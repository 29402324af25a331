from npshape import io
from npshape.logs import log_to
from npshape.structures import build

log = log_to(snakemake.log[0])
relax = snakemake.params.sutton_chen
atoms = build.build_structure(
    snakemake.params.entry,
    snakemake.params.bond_angstrom,
    build.RelaxSettings.from_config(relax) if relax else None,
)
io.write_structure(atoms, snakemake.output[0])
log.info("wrote %s (%d atoms)", snakemake.output[0], len(atoms))
