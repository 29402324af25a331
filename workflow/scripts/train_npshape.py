import json

import numpy as np

from npshape import io
from npshape.classes import CLASS_LABELS
from npshape.descriptors import feature_frames
from npshape.learning import calibration, datasets, evaluation, model_files, novelty, splits, training
from npshape.learning.model_card import ModelCard, fit_provenance
from npshape.logs import log_to

log = log_to(snakemake.log[0])
keys, X, descriptor_settings = datasets.read_matrix(snakemake.input.matrix)
rows = splits.assign_splits(keys, io.read_parquet(snakemake.input.splits)[0])
classes = training.check_classes(rows, CLASS_LABELS)
settings = training.TrainingSettings.for_each_member(snakemake.params.training)
members = snakemake.params.training["members"]
log.info("training %d networks on %d x %d features of %d structures", members, *X.shape, keys["id"].nunique())
ensemble, histories, scores = training.train_ensemble(settings, members, X, rows, classes)
kept = set(keys["id"])
split, labels = rows["split"].to_numpy(), rows["class"].to_numpy()

# calibrated confidence: the temperature fitted on held-out sizes (calibrate_npshape)
fitted = json.loads(open(snakemake.input.temperature).read())
test_probabilities = ensemble.predict_proba(X[split == "test"])
scores["temperature"] = fitted["temperature"]
scores["ece_test_before"] = calibration.expected_calibration_error(test_probabilities, labels[split == "test"], classes)
scores["ece_test_after"] = calibration.expected_calibration_error(
    calibration.tempered(test_probabilities, fitted["temperature"]), labels[split == "test"], classes
)
# novelty: the distance of some features to the nearest class; threshold from the validation split
descriptors = tuple(snakemake.params.descriptors)
names = feature_frames.feature_names(descriptors, descriptor_settings)
local = [i for i, name in enumerate(names) if name.startswith(tuple(snakemake.params.novelty_prefixes))]
section = snakemake.params.novelty
scorer = novelty.fit_novelty(
    X[split == "train"], labels[split == "train"], keys["id"].to_numpy()[split == "train"], classes, local,
    X[split == "validation"], dims=section["dims"], shrinkage=section["shrinkage"],
    false_unknown_rate=section["false_unknown_rate"],
)
scores["novelty_threshold"] = scorer.threshold
scores["test_unknown_rate"] = float(np.mean(scorer.scores(X[split == "test"]) > scorer.threshold))
card = ModelCard(
    model=snakemake.params.model,
    classes=tuple(classes),
    descriptors=descriptors,
    descriptor_settings=descriptor_settings,
    n_features=int(X.shape[1]),
    training=snakemake.params.training,
    scores=scores,
    history=tuple({"member": k, **record} for k, history in enumerate(histories) for record in history),
    provenance=fit_provenance(
        snakemake.params.seed,
        catalog=snakemake.params.catalog,
        relax_metals=snakemake.params.relax_metals,
        replicas=snakemake.params.replicas,
        **snakemake.params.extra_provenance,
        structures=sorted(kept),
        left_out=sorted(set(snakemake.params.variants) - kept),
        calibration=fitted,
        novelty=section,
    ),
)
extra = {"temperature": np.array(fitted["temperature"]), **scorer.arrays()}
model_files.save_model(ensemble, card, snakemake.output.model, snakemake.output.card, extra)
io.write_csv(evaluation.test_confusion(ensemble, X, rows, classes), snakemake.output.confusion, index=True)
log.info("%s: %s", snakemake.params.model, scores)
