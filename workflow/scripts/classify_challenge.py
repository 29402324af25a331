from npshape import dataset, evaluation, models
from npshape.logs import log_to

log = log_to(snakemake.log[0])
pipeline, metadata = models.load_model(snakemake.input.model)
paths = dict(zip(metadata["descriptors"], ([path] for path in snakemake.input.features)))
keys, X, settings = dataset.read_features(paths)
if settings != metadata["descriptor_settings"]:
    raise ValueError(f"challenge features were made with other settings than {snakemake.input.model} expects")
table = evaluation.probability_table(pipeline, X, list(keys["id"]))
table.to_csv(snakemake.output[0], index=False, float_format="%.6f")
log.info("classified %d challenge structures with %s", len(table), metadata["model"])
