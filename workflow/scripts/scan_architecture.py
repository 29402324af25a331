import json

from npshape import dataset, evaluation, io, models
from npshape.logs import log_to

log = log_to(snakemake.log[0])
model, layers, neurons = snakemake.wildcards.model, int(snakemake.wildcards.layers), int(snakemake.wildcards.neurons)
keys, X, _ = dataset.read_matrices({d: snakemake.input[d] for d in models.MODEL_DESCRIPTORS[model]})
rows = evaluation.assign_splits(keys, io.read_table(snakemake.input.splits)[0])
classes = sorted(rows["class"].unique())
settings = models.TrainingSettings.from_config(snakemake.params.training, hidden_layer_sizes=(neurons,) * layers)
scores = evaluation.architecture_scores(settings, X, rows, classes, snakemake.params.folds)
with io.atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(json.dumps({"model": model, "layers": layers, "neurons": neurons, **scores}) + "\n")
log.info("%s %dx%d: %s", model, layers, neurons, scores)
