import numpy as np

from npshape import io
from npshape.descriptors import feature_frames
from npshape.learning import disorder, pdf_augmentation
from npshape.learning.model_card import NPSHAPE_DESCRIPTORS
from npshape.logs import log_to

log = log_to(snakemake.log[0])
atoms = io.read_structure(snakemake.input[0])
info = atoms.info
settings = feature_frames.settings_by_descriptor(NPSHAPE_DESCRIPTORS, snakemake.params.descriptors)
disorder_settings = disorder.DisorderSettings.from_config(snakemake.params.replicas)
if info["kept"]:
    replicas, seeds, positions, numbers, _ = disorder.disordered_replicas(
        atoms.get_positions(), atoms.numbers, info["id"], snakemake.params.seed, disorder_settings
    )
else:  # a relaxed copy that is no longer its class: no replica, no row
    replicas, seeds, positions, numbers = np.zeros(0, np.int64), np.zeros(0, np.uint64), [], []
    log.warning("%s is left out of training (%s): no replicas", info["id"], info["dropped"])
metadata = {"id": info["id"], "class": info["class"], "seed": snakemake.params.seed, "replicas": snakemake.params.replicas}
io.write_replicas(snakemake.output.replicas, replicas, seeds, positions, metadata, numbers)
names = feature_frames.feature_names(NPSHAPE_DESCRIPTORS, settings)
values = feature_frames.describe_replicas(NPSHAPE_DESCRIPTORS, positions, numbers, settings)
ids, labels = [info["id"]] * len(replicas), [info["class"]] * len(replicas)
frame = feature_frames.feature_frame(ids, labels, replicas, names, values)
io.write_parquet(frame, snakemake.output.features, feature_frames.feature_metadata("npshape", settings))
log.info("wrote %s: %d replicas x %d features", snakemake.output.features, len(replicas), len(names))
# the same replicas, each measured once as a PDF (npshape's PDF model)
pdf_settings = {"pdf": snakemake.params.pdf_descriptor}
ranges = pdf_augmentation.MeasurementRanges.from_config(snakemake.params.measurement)
pdf_values = pdf_augmentation.measured_features(positions, numbers, seeds, ranges, snakemake.params.pdf_descriptor)
pdf_names = feature_frames.feature_names(("pdf",), pdf_settings)
pdf_frame = feature_frames.feature_frame(ids, labels, replicas, pdf_names, pdf_values)
io.write_parquet(pdf_frame, snakemake.output.pdf_features, feature_frames.feature_metadata("pdf", pdf_settings))
log.info("wrote %s: %d replicas measured once each", snakemake.output.pdf_features, len(replicas))
