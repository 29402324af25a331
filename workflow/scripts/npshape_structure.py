from npshape import io
from npshape.logs import log_to
from npshape.structures import build

log = log_to(snakemake.log[0])
entry, metal = snakemake.params.variant
relax = build.RelaxSettings.from_config(snakemake.params.sutton_chen)
atoms = build.build_training_variant(entry, metal, snakemake.params.bond_angstrom, relax, snakemake.params.relax_metals)
io.write_structure(atoms, snakemake.output[0])
if atoms.info["kept"]:
    log.info("wrote %s (%d atoms)", snakemake.output[0], len(atoms))
else:
    log.warning("%s is left out of training: %s", atoms.info["id"], atoms.info["dropped"])
