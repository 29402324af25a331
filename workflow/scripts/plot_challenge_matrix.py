import pandas as pd

from npshape.classes import CLASS_LABELS
from npshape.logs import log_to
from npshape.reporting import figures

log = log_to(snakemake.log[0])
probabilities = {model: pd.read_csv(path) for model, path in zip(snakemake.params.models, snakemake.input)}
classes = list(CLASS_LABELS)
entries = sorted(snakemake.params.entries, key=lambda e: e["number"])
figures.plot_challenge_matrix(probabilities, entries, classes, snakemake.output[0])
log.info("wrote %s", snakemake.output[0])
