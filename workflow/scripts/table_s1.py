import json

from npshape import io
from npshape.learning.model_card import ModelCard
from npshape.logs import log_to
from npshape.reporting import paper_tables

log = log_to(snakemake.log[0])
scan = [json.loads(open(path).read()) for path in snakemake.input.scan]
cv = [json.loads(open(path).read()) for path in snakemake.input.cv]
# the main architecture's row comes from the models and their folds, not from a second fit
main_rows = paper_tables.main_architecture_rows([ModelCard.read(path) for path in snakemake.input.cards], cv)
table = paper_tables.table_s1(scan + main_rows)
io.write_csv(table, snakemake.output[0], float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
