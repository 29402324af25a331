# npshape: the study of Fages, Jolibois & Poteau (Theor. Chem. Acc. 140, 98, 2021) as a workflow.
# `snakemake --cores N` rebuilds everything; see README.md for the outputs.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/structures.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/npshape.smk"
include: "workflow/rules/npshape_pdf.smk"


onsuccess:
    cancel_rescheduling_timers()


onerror:
    cancel_rescheduling_timers()


rule all:
    input:
        all_targets(),
    default_target: True
