import json

from npshape import tables
from npshape.logs import log_to

log = log_to(snakemake.log[0])
def read(paths):
    return [json.loads(open(path).read()) for path in paths]


# the main architecture's row comes from the models and their folds, not from a second fit
main_rows = tables.main_architecture_rows(read(snakemake.input.metadata), read(snakemake.input.cv))
table = tables.table_s1(read(snakemake.input.scan) + main_rows)
table.to_csv(snakemake.output[0], index=False, float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
