from npshape import features, io
from npshape.logs import log_to

log = log_to(snakemake.log[0])
settings = snakemake.params.settings
structures = [io.read_structure(path) for path in snakemake.input]
for descriptor, frame in features.structure_tables(structures, settings).items():
    section = settings[features.SETTINGS_SECTION[descriptor]]
    io.write_table(frame, snakemake.output[descriptor], features.feature_metadata(descriptor, section))
    log.info("wrote %s: %d structures", snakemake.output[descriptor], len(frame))
