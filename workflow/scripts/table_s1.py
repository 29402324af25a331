import json

from npshape import tables
from npshape.logs import log_to

log = log_to(snakemake.log[0])
table = tables.table_s1([json.loads(open(path).read()) for path in snakemake.input])
table.to_csv(snakemake.output[0], index=False, float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
