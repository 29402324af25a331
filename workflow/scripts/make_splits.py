from npshape import io
from npshape.learning import splits
from npshape.logs import log_to

log = log_to(snakemake.log[0])
table = splits.make_splits(
    snakemake.params.structures, snakemake.params.replicas, snakemake.params.seed, **snakemake.params.splits
)
io.write_parquet(table, snakemake.output[0], {"seed": snakemake.params.seed, **snakemake.params.splits})
log.info("split %d replicas: %s", len(table), table["split"].value_counts().to_dict())
