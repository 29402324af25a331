from npshape import io
from npshape.learning import augment
from npshape.logs import log_to

log = log_to(snakemake.log[0])
settings, shard = snakemake.params.augmentation, int(snakemake.wildcards.k)
atoms = io.read_structure(snakemake.input[0])
replicas = augment.shard_replicas(settings["replicas"], settings["shards"], shard)
positions, seeds = augment.displaced_replicas(
    atoms.get_positions(), atoms.info["id"], replicas, snakemake.params.seed, settings["max_displacement_angstrom"]
)
metadata = {
    "id": atoms.info["id"],
    "class": atoms.info["class"],
    "symbols": atoms.get_chemical_symbols(),
    "seed": snakemake.params.seed,
    "max_displacement_angstrom": settings["max_displacement_angstrom"],
}
io.write_replicas(snakemake.output[0], replicas, seeds, positions, metadata)
log.info("wrote replicas %d-%d of %s", replicas[0], replicas[-1], atoms.info["id"])
