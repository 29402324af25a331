import pandas as pd

from npshape import io
from npshape.logs import log_to
from npshape.reporting import evaluation_tables

log = log_to(snakemake.log[0])
predictions = {model: pd.read_csv(path) for model, path in zip(snakemake.params.models, snakemake.input)}
table = evaluation_tables.evaluation_accuracy(predictions)
io.write_csv(table, snakemake.output[0], float_format="%.3f")
log.info("\n%s", table.to_string(index=False))
