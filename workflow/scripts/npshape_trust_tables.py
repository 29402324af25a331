import json

import pandas as pd

from npshape import io
from npshape.learning.model_card import ModelCard
from npshape.logs import log_to
from npshape.reporting import evaluation_tables

log = log_to(snakemake.log[0])
card = ModelCard.read(snakemake.input.card)
held_out = json.loads(open(snakemake.input.temperature).read())
in_domain, out_of_domain = pd.read_csv(snakemake.input.in_domain), pd.read_csv(snakemake.input.out_of_domain)
calibration = evaluation_tables.calibration_table(held_out["temperature"], card.scores, held_out, in_domain)
io.write_csv(calibration, snakemake.output.calibration, float_format="%.4f")
unknown = evaluation_tables.unknown_rates(in_domain, out_of_domain)
io.write_csv(unknown, snakemake.output.unknown, float_format="%.3f")
log.info("\n%s\n%s", calibration.to_string(index=False), unknown.to_string(index=False))
