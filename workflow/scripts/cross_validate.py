import json

from npshape import io
from npshape.learning import datasets, splits, training
from npshape.learning.model_card import ModelCard
from npshape.logs import log_to

log = log_to(snakemake.log[0])
model, fold = snakemake.wildcards.model, int(snakemake.wildcards.fold)
card = ModelCard.read(snakemake.input.card)
keys, X, _ = datasets.read_matrices({d: snakemake.input[d] for d in card.descriptors})
rows = splits.assign_splits(keys, io.read_parquet(snakemake.input.splits)[0])
settings = training.TrainingSettings.from_config(snakemake.params.training)
score = training.cross_validation_fold(settings, X, rows, list(card.classes), fold, card.scores["epochs"])
with io.atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(json.dumps({"model": model, "fold": fold, "score": score}) + "\n")
log.info("%s fold %d: accuracy %.4f", model, fold, score)
