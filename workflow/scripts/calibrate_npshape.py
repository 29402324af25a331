import json

from npshape import io
from npshape.classes import CLASS_LABELS
from npshape.learning import calibration, datasets, splits, training
from npshape.logs import log_to

log = log_to(snakemake.log[0])
keys, X, _ = datasets.read_matrix(snakemake.input.matrix)
rows = splits.assign_splits(keys, io.read_parquet(snakemake.input.splits)[0])
held_out = rows["id"].isin(snakemake.params.held_out).to_numpy()
settings = training.TrainingSettings.for_each_member(snakemake.params.training)
# the same ensemble, trained without the held-out sizes, meets them as it would a user's cluster
members = snakemake.params.training["members"]
ensemble, _, _ = training.train_ensemble(settings, members, X[~held_out], rows[~held_out], list(CLASS_LABELS))
probabilities = ensemble.predict_proba(X[held_out])
labels = rows["class"].to_numpy()[held_out]
temperature = calibration.fit_temperature(probabilities, labels, CLASS_LABELS)
result = {
    "temperature": temperature,
    "held_out": sorted(set(rows["id"][held_out])),
    "rows": int(held_out.sum()),
    "accuracy": float((ensemble.predict(X[held_out]) == labels).mean()),
    "ece_before": calibration.expected_calibration_error(probabilities, labels, CLASS_LABELS),
    "ece_after": calibration.expected_calibration_error(calibration.tempered(probabilities, temperature), labels, CLASS_LABELS),
}
with io.atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(json.dumps(result, indent=2) + "\n")
log.info("temperature %.3f from %d rows of %d held-out sizes: %s", temperature, result["rows"], len(result["held_out"]), result)
