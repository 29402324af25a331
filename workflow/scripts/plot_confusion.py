import pandas as pd

from npshape import plots
from npshape.logs import log_to

log = log_to(snakemake.log[0])
confusion = pd.read_csv(snakemake.input[0], index_col=0)
plots.plot_confusion(confusion, f"{snakemake.wildcards.model}: test split", snakemake.output[0])
log.info("wrote %s", snakemake.output[0])
