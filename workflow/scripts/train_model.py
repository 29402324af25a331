from npshape import dataset, evaluation, io, models
from npshape.logs import log_to

log = log_to(snakemake.log[0])
model = snakemake.wildcards.model
descriptors = models.MODEL_DESCRIPTORS[model]
keys, X, descriptor_settings = dataset.read_matrices({d: snakemake.input[d] for d in descriptors})
rows = evaluation.assign_splits(keys, io.read_table(snakemake.input.splits)[0])
classes = sorted(rows["class"].unique())
settings = models.TrainingSettings.from_config(snakemake.params.training)
log.info("training %s on %d x %d features, %d classes", model, *X.shape, len(classes))
pipeline, history, scores = evaluation.train_and_score(settings, X, rows, classes)
metadata = {
    "model": model,
    "descriptors": list(descriptors),
    "descriptor_settings": descriptor_settings,
    "classes": classes,
    "n_features": int(X.shape[1]),
    "training": snakemake.params.training,
    "scores": scores,
    "history": history,
}
models.save_model(pipeline, snakemake.output.model, metadata)
evaluation.test_confusion(pipeline, X, rows, classes).to_csv(snakemake.output.confusion)
log.info("%s: %s", model, scores)
