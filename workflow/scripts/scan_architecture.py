import json

from npshape import io
from npshape.classes import CLASS_LABELS
from npshape.learning import datasets, splits, training
from npshape.learning.model_card import PAPER_MODELS
from npshape.logs import log_to

log = log_to(snakemake.log[0])
model, layers, neurons = snakemake.wildcards.model, int(snakemake.wildcards.layers), int(snakemake.wildcards.neurons)
keys, X, _ = datasets.read_matrices({d: snakemake.input[d] for d in PAPER_MODELS[model]})
rows = splits.assign_splits(keys, io.read_parquet(snakemake.input.splits)[0])
classes = training.check_classes(rows, CLASS_LABELS)
settings = training.TrainingSettings.from_config(snakemake.params.training, hidden_layer_sizes=(neurons,) * layers)
scores = training.architecture_scores(settings, X, rows, classes, snakemake.params.folds)
with io.atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(json.dumps({"model": model, "layers": layers, "neurons": neurons, **scores}) + "\n")
log.info("%s %dx%d: %s", model, layers, neurons, scores)
