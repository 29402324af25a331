# Glue shared by the rule files: config validation, the catalog, input functions.
from snakemake.utils import validate

from npshape import catalog as npcatalog

validate(config, "../schemas/config.schema.yaml")
CATALOG = npcatalog.load_catalog(config["catalog"])
validate(CATALOG, "../schemas/structures.schema.yaml")
ENTRIES = npcatalog.entries_by_id(CATALOG)
npcatalog.check_catalog(CATALOG, metals=config["sutton_chen"]["metals"], source=config["catalog"])


wildcard_constraints:
    set="train|challenge",
    id="[A-Za-z0-9][A-Za-z0-9_.+-]*",


def structure_files(set_name):
    """Return the structure file of every catalog entry of one set."""
    return expand("results/structures/{set}/{id}.xyz", set=set_name, id=[e["id"] for e in CATALOG[set_name]])


def entry(wildcards):
    """Return the catalog entry a job builds (only its own entry, so other edits rerun nothing)."""
    return ENTRIES[wildcards.id]


def relax_settings(wildcards):
    """Return the Sutton-Chen section if the entry is relaxed, else nothing to depend on."""
    return config["sutton_chen"] if ENTRIES[wildcards.id]["relax"] else None


def all_targets():
    """Return every final output of the study."""
    return [*structure_files("train"), *structure_files("challenge"), "results/figures/training_structures.png"]
