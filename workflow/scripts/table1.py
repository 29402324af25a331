import json

from npshape import tables
from npshape.logs import log_to

log = log_to(snakemake.log[0])
metadata = [json.loads(open(path).read()) for path in snakemake.input.metadata]
cv = [json.loads(open(path).read()) for path in snakemake.input.cv]
table = tables.table1(metadata, cv)
table.to_csv(snakemake.output[0], index=False, float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
