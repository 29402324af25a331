import pandas as pd

from npshape.logs import log_to
from npshape.reporting import figures

log = log_to(snakemake.log[0])
confusion = pd.read_csv(snakemake.input[0], index_col=0)
figures.plot_confusion(confusion, f"{snakemake.wildcards.model}: test split", snakemake.output[0])
log.info("wrote %s", snakemake.output[0])
