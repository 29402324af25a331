from npshape.learning import datasets
from npshape.logs import log_to

log = log_to(snakemake.log[0])
keys, features, settings = datasets.read_descriptor(list(snakemake.input))
datasets.write_matrix(keys, features, settings, snakemake.output.matrix)
log.info("assembled %d files into %s: %d x %d", len(snakemake.input), snakemake.output.matrix, *features.shape)
