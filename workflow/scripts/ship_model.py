import pandas as pd

from npshape.learning import model_files
from npshape.logs import log_to

log = log_to(snakemake.log[0])
card = model_files.read_card(snakemake.input.model)
scores = pd.read_csv(snakemake.input.challenge).set_index("model").loc[card.model]
accuracy = pd.read_csv(snakemake.input.evaluation).set_index("class")[card.model]
card_scores = {
    **card.scores,
    "challenge_s": float(scores["s"]),
    "challenge_s_tolerant": float(scores["s_tolerant"]),
    "challenge_top1": float(scores["top1"]),
    "challenge_top1_tolerant": float(scores["top1_tolerant"]),
    "evaluation_accuracy": {label: float(value) for label, value in accuracy.items()},
}
model_files.copy_with_card(snakemake.input.model, card.with_scores(card_scores), snakemake.output[0])
log.info("shipped %s as %s with scores %s", snakemake.input.model, snakemake.output[0], card_scores)
