import pandas as pd

from npshape import io
from npshape.logs import log_to
from npshape.reporting import paper_tables

log = log_to(snakemake.log[0])
probabilities = {model: pd.read_csv(path) for model, path in zip(snakemake.params.models, snakemake.input)}
table = paper_tables.challenge_score_table(probabilities, snakemake.params.entries)
io.write_csv(table, snakemake.output[0], float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
