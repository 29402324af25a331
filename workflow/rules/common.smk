# Glue shared by every stage: config validation, the catalog, input functions, priorities.
import os
import threading

from snakemake.utils import validate

from npshape.learning import arithmetic
from npshape.learning.model_card import NPSHAPE_DESCRIPTORS, NPSHAPE_PDF_DESCRIPTORS, PAPER_MODELS
from npshape.structures import catalog as npcatalog

# Every job inherits one BLAS kernel and one SIMD level, so fits do not depend on the CPU
# (npshape/learning/arithmetic.py); on a CPU without AVX2 nothing is pinned.
os.environ.update(arithmetic.pinned_environment())

validate(config, "../schemas/config.schema.yaml")
CATALOG = npcatalog.load_catalog(config["catalog"])
validate(CATALOG, "../schemas/structures.schema.yaml")
ENTRIES = npcatalog.entries_by_id(CATALOG)
npcatalog.check_catalog(CATALOG, metals=config["sutton_chen"]["metals"], source=config["catalog"])

# npshape's own model: its catalog, and every training copy (as built, relaxed with each metal)
NPSHAPE = config["npshape_model"]
NPSHAPE_PDF = config["npshape_pdf_model"]
NPSHAPE_CATALOG = npcatalog.load_catalog(NPSHAPE["catalog"])
validate(NPSHAPE_CATALOG, "../schemas/structures.schema.yaml")
npcatalog.check_catalog(NPSHAPE_CATALOG, metals=config["sutton_chen"]["metals"], source=NPSHAPE["catalog"])
NPSHAPE_VARIANTS = {
    variant: (entry, metal)
    for entry in NPSHAPE_CATALOG["train"]
    for variant, metal in npcatalog.training_variants(entry, NPSHAPE["relax_metals"]).items()
}


GALLERY_SETS = {"training": "train", "challenge": "challenge"}  # figure name → catalog set


wildcard_constraints:
    set="train|challenge",
    gallery="training|challenge",
    id="[A-Za-z0-9][A-Za-z0-9_.+-]*",
    variant="[A-Za-z0-9][A-Za-z0-9_.+-]*",


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
    return [
        "results/figures/training_structures.png",
        "results/figures/challenge_structures.png",
        "results/figures/rdf_profiles.png",
        "results/figures/coulomb_matrices.png",
        "results/figures/challenge_matrix.png",
        *expand("results/figures/confusion_{model}.png", model=MODELS),
        "results/tables/table1.csv",
        "results/tables/table_s1.csv",
        "results/tables/challenge_scores.csv",
        "results/tables/evaluation_accuracy.csv",
        "results/tables/calibration.csv",
        "results/tables/unknown_rates.csv",
        "results/tables/pdf_accuracy.csv",
        "results/figures/npshape_structures.png",
    ]


MODELS = list(PAPER_MODELS)  # the paper's four
ALL_MODELS = [*MODELS, "npshape"]  # and npshape's own, beside them in the challenge tables
EVALUATED_MODELS = ["RDF1", "RDF2", "RDF3", "npshape"]  # those that take clusters of any size
PDF_EVALUATION_QMAX = [15, 20, 25]  # Å⁻¹: the PDF model's confusion matrices


wildcard_constraints:
    model="|".join(MODELS),
    any_model="|".join(ALL_MODELS),
    descriptor="cm|rdf|drdf",
    k=r"\d+",
    fold=r"\d+",


def feature_shards(descriptor):
    """Return every training feature file of one descriptor, in catalog and shard order."""
    return expand(
        "results/features/{descriptor}/{id}/shard-{k}.parquet",
        descriptor=descriptor,
        id=[e["id"] for e in CATALOG["train"]],
        k=range(config["augmentation"]["shards"]),
    )


def model_features(wildcards):
    """Return the assembled feature matrices a model learns from, keyed by descriptor (rdf before drdf)."""
    return {d: f"results/datasets/{d}.npy" for d in PAPER_MODELS[wildcards.model]}


def training_mem_mb(wildcards):
    """Return the memory (MB) of a fit: the CM matrix (30,000 x 17,955 float32, 2.2 GB) and its
    scaled copy dominate; RDF matrices are 8x smaller."""
    return 8000 if wildcards.model == "CM" else 3000


def challenge_features(wildcards):
    """Return the challenge feature files a model reads."""
    return [f"results/features/{d}/challenge.parquet" for d in PAPER_MODELS[wildcards.model]]


def is_main_architecture(layers, neurons):
    """Return whether a scanned architecture is the one the four models use (already fitted)."""
    return [neurons] * layers == list(config["models"]["hidden_layer_sizes"])


# Job priorities. Snakemake starts the ready job of highest priority, then the one with the
# largest input; a job does not pass its priority on to the jobs it waits for. So every stage
# that feeds the fits ranks above them: otherwise fits, whose inputs are large, starve the last
# feature job of the CM matrix, and the longest fits start last.
PRIORITY_REPORT = 30  # tables, challenge classification and figures: seconds each, wanted as soon as possible
PRIORITY_DATA = 20  # structures, replicas, features, splits and the assembled matrices
PRIORITY_MODEL = 10  # the four models (Table 1)
PRIORITY_FOLD = 5  # their cross-validation folds; the scan comes last (scan_priority)


def scan_priority(wildcards):
    """Return a scan job's priority: longest fits first, so that no core idles at the end. A CM
    row has 4 times the features of an RDF3 row, and narrow nets take the most epochs."""
    return (2 if wildcards.model == "CM" else 1) + 1 / int(wildcards.neurons)


def cancel_rescheduling_timers():
    """Cancel the timers Snakemake's scheduler leaves pending (one per ended job, see
    workflow/profiles/default/config.yaml), so that a run ends with its last job rather than
    up to a rate-limit timespan later. Called once every job has ended."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def scan_results():
    """Return the result file of every architecture of the scan (paper Table S1) but the main one,
    whose scores come from the model and its cross-validation folds (``scan_main_models``)."""
    scan = config["architecture_scan"]
    return [
        f"results/scan/{model}/{layers}x{neurons}.json"
        for model in scan["models"]
        for layers in scan["layers"]
        for neurons in scan["neurons"]
        if not is_main_architecture(layers, neurons)
    ]


def scan_main_models():
    """Return the scanned models whose scan includes the main architecture."""
    scan = config["architecture_scan"]
    if any(is_main_architecture(layers, neurons) for layers in scan["layers"] for neurons in scan["neurons"]):
        return scan["models"]
    return []


def largest_per_class():
    """Return the structure file of the largest training structure of each class (paper Fig. 3)."""
    largest = {}
    for e in CATALOG["train"]:
        if e["natoms"] > largest.get(e["class"], {"natoms": 0})["natoms"]:
            largest[e["class"]] = e
    return [f"results/structures/train/{largest[label]['id']}.xyz" for label in sorted(largest)]


def npshape_variant(wildcards):
    """Return (catalog entry, relaxing metal or None) of one training copy of npshape's catalog."""
    return NPSHAPE_VARIANTS[wildcards.variant]


def npshape_files(kind, suffix):
    """Return one file per training copy of npshape's catalog: results/npshape/{kind}/{variant}{suffix}."""
    return [f"results/npshape/{kind}/{variant}{suffix}" for variant in NPSHAPE_VARIANTS]


def npshape_held_out_variants():
    """Return the training copies of each class's middle size, held out to calibrate npshape's confidence."""
    middle = set(npcatalog.middle_sizes(NPSHAPE_CATALOG["train"]))
    return [variant for variant, (entry, _) in NPSHAPE_VARIANTS.items() if entry["id"] in middle]
