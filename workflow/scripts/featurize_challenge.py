from npshape import io
from npshape.descriptors import feature_frames
from npshape.logs import log_to

log = log_to(snakemake.log[0])
settings = snakemake.params.settings
structures = [io.read_structure(path) for path in snakemake.input]
for descriptor, frame in feature_frames.structure_tables(structures, settings).items():
    section = settings[feature_frames.SETTINGS_SECTION[descriptor]]
    io.write_parquet(frame, snakemake.output[descriptor], feature_frames.feature_metadata(descriptor, section))
    log.info("wrote %s: %d structures", snakemake.output[descriptor], len(frame))
