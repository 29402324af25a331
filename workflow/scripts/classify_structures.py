import ase.io
import pandas as pd

from npshape import io
from npshape.classify import run
from npshape.classify.predictor import Predictor
from npshape.logs import log_to

log = log_to(snakemake.log[0])
predictor = Predictor.from_file(snakemake.input.model)
infos = {(path, k): atoms.info for path in snakemake.input.structures for k, atoms in enumerate(ase.io.read(path, ":"))}
rows = []
for item in run.classify_files(snakemake.input.structures, predictor):
    if not isinstance(item, run.Row):
        raise ValueError(item)  # every structure of the workflow's sets is a valid cluster
    info = infos[(item.structure, item.frame)]
    rows.append([info["id"], item.predicted, *item.probabilities, item.confidence, item.novelty, item.nearest,
                 info.get("class", info.get("kind"))])
columns = ["structure", "predicted", *predictor.classes, "confidence", "novelty", "nearest", "expected"]
table = pd.DataFrame(rows, columns=columns)
io.write_csv(table, snakemake.output[0], float_format="%.6f")
unknown = (table["predicted"] == run.UNKNOWN).sum()
log.info("classified %d structures with %s: %d unknown", len(table), predictor.card.model, unknown)
