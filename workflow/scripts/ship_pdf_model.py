import pandas as pd

from npshape.learning import model_files
from npshape.logs import log_to

log = log_to(snakemake.log[0])
card = model_files.read_card(snakemake.input.model)
accuracy = pd.read_csv(snakemake.input.accuracy).set_index("setting")
scores = {
    **card.scores,
    "evaluation_accuracy": accuracy["accuracy"].to_dict(),
    "evaluation_unknown": accuracy["unknown_rate"].to_dict(),
}
model_files.copy_with_card(snakemake.input.model, card.with_scores(scores), snakemake.output[0])
log.info("shipped %s as %s with scores %s", snakemake.input.model, snakemake.output[0], scores)
