from npshape import io
from npshape.learning import datasets, evaluation, model_files
from npshape.logs import log_to

log = log_to(snakemake.log[0])
pipeline, card = model_files.load_model(snakemake.input.model)
paths = dict(zip(card.descriptors, ([path] for path in snakemake.input.features)))
keys, X, settings = datasets.read_features(paths)
if settings != card.descriptor_settings:
    raise ValueError(f"challenge features were made with other settings than {snakemake.input.model} expects")
table = evaluation.probability_table(pipeline, X, list(keys["id"]))
io.write_csv(table, snakemake.output[0], float_format="%.6f")
log.info("classified %d challenge structures with %s", len(table), card.model)
