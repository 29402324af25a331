import pandas as pd

from npshape import tables
from npshape.logs import log_to

log = log_to(snakemake.log[0])
probabilities = {model: pd.read_csv(path) for model, path in zip(snakemake.params.models, snakemake.input)}
table = tables.challenge_score_table(probabilities, snakemake.params.entries)
table.to_csv(snakemake.output[0], index=False, float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
