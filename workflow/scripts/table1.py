import json

from npshape import io
from npshape.learning.model_card import ModelCard
from npshape.logs import log_to
from npshape.reporting import paper_tables

log = log_to(snakemake.log[0])
cards = [ModelCard.read(path) for path in snakemake.input.cards]
cv = [json.loads(open(path).read()) for path in snakemake.input.cv]
table = paper_tables.table1(cards, cv)
io.write_csv(table, snakemake.output[0], float_format="%.4f")
log.info("\n%s", table.to_string(index=False))
