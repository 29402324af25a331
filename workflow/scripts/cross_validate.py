import json

from npshape import dataset, evaluation, io, models
from npshape.logs import log_to

log = log_to(snakemake.log[0])
model, fold = snakemake.wildcards.model, int(snakemake.wildcards.fold)
keys, X, _ = dataset.read_matrices({d: snakemake.input[d] for d in models.MODEL_DESCRIPTORS[model]})
rows = evaluation.assign_splits(keys, io.read_table(snakemake.input.splits)[0])
trained = json.loads(open(snakemake.input.metadata).read())
settings = models.TrainingSettings.from_config(snakemake.params.training)
score = evaluation.cross_validation_fold(settings, X, rows, trained["classes"], fold, trained["scores"]["epochs"])
with io.atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(json.dumps({"model": model, "fold": fold, "score": score}) + "\n")
log.info("%s fold %d: accuracy %.4f", model, fold, score)
