import numpy as np
from ase.data import atomic_numbers

from npshape import io
from npshape.descriptors import feature_frames
from npshape.logs import log_to

log = log_to(snakemake.log[0])
settings = snakemake.params.settings
replicas, _, positions, meta, _ = io.read_replicas(snakemake.input[0])
if "cm" in snakemake.output.keys():
    tables = feature_frames.cm_features(positions, settings)
else:
    numbers = np.array([atomic_numbers[s] for s in meta["symbols"]])
    tables = feature_frames.rdf_features(positions, numbers, settings)
for descriptor, (names, values) in tables.items():
    frame = feature_frames.feature_frame([meta["id"]] * len(replicas), [meta["class"]] * len(replicas), replicas, names, values)
    io.write_parquet(frame, snakemake.output[descriptor], feature_frames.feature_metadata(descriptor, settings))
    log.info("wrote %s: %d replicas x %d features", snakemake.output[descriptor], len(replicas), len(names))
