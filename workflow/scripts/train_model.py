from npshape import io
from npshape.classes import CLASS_LABELS
from npshape.learning import datasets, evaluation, model_files, splits, training
from npshape.learning.model_card import PAPER_MODELS, ModelCard, fit_provenance
from npshape.logs import log_to

log = log_to(snakemake.log[0])
model = snakemake.wildcards.model
descriptors = PAPER_MODELS[model]
keys, X, descriptor_settings = datasets.read_matrices({d: snakemake.input[d] for d in descriptors})
rows = splits.assign_splits(keys, io.read_parquet(snakemake.input.splits)[0])
classes = training.check_classes(rows, CLASS_LABELS)
settings = training.TrainingSettings.from_config(snakemake.params.training)
log.info("training %s on %d x %d features, %d classes", model, *X.shape, len(classes))
pipeline, history, scores = training.train_and_score(settings, X, rows, classes)
card = ModelCard(
    model=model,
    classes=tuple(classes),
    descriptors=descriptors,
    descriptor_settings=descriptor_settings,
    n_features=int(X.shape[1]),
    training=snakemake.params.training,
    scores=scores,
    history=tuple(history),
    provenance=fit_provenance(snakemake.params.seed),
)
model_files.save_model(pipeline, card, snakemake.output.model, snakemake.output.card)
io.write_csv(evaluation.test_confusion(pipeline, X, rows, classes), snakemake.output.confusion, index=True)
log.info("%s: %s", model, scores)
