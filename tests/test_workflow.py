"""The whole test study (config/test.yaml) through Snakemake: every target, reruns, provenance."""

import json
import re
import subprocess
import sys

import ase.io
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT, copy_workflow, snakemake

from npshape import __version__, io
from npshape.classes import CLASS_LABELS
from npshape.learning import arithmetic, model_files
from npshape.learning.model_card import NPSHAPE_DESCRIPTORS, NPSHAPE_PDF_DESCRIPTORS, PAPER_MODELS, ModelCard

pytestmark = pytest.mark.workflow


def test_every_target_exists(study):
    for name in ["table1.csv", "table_s1.csv", "challenge_scores.csv"]:
        assert (study / "results/tables" / name).stat().st_size > 0
    for model in ["CM", "RDF1", "RDF2", "RDF3", "npshape"]:
        assert (study / f"results/models/{model}.skops").exists()
        assert (study / f"results/tables/challenge_probabilities_{model}.csv").exists()
    for model in ["CM", "RDF1", "RDF2", "RDF3"]:
        assert (study / f"results/figures/confusion_{model}.png").exists()
    assert (study / "results/tables/evaluation_accuracy.csv").stat().st_size > 0
    accuracy = pd.read_csv(study / "results/tables/pdf_accuracy.csv")
    assert list(accuracy["setting"]) == ["Qmax 15", "Qmax 20", "Qmax 25", "realistic"]
    assert accuracy["ece"].between(0, 1).all() and accuracy["mean_confidence"].between(1 / len(CLASS_LABELS), 1).all()
    unknown = pd.read_csv(study / "results/tables/pdf_unknown_rates.csv")
    assert list(unknown.columns[3:]) == list(accuracy["setting"]) and unknown["set"].iloc[-1] == "out-of-domain"
    assert unknown[list(accuracy["setting"])].stack().between(0, 1).all()
    confusion = pd.read_csv(study / "results/tables/pdf_confusion_q20.csv", index_col=0)
    assert list(confusion.columns) == list(CLASS_LABELS) and confusion.to_numpy().sum() == accuracy["n"][1]
    figures = ["training_structures", "challenge_structures", "npshape_structures", "rdf_profiles", "coulomb_matrices"]
    for figure in [*figures, "challenge_matrix"]:
        assert (study / f"results/figures/{figure}.png").stat().st_size > 10_000


def test_model_cards_say_what_each_model_is_and_how_it_was_made(study):
    for model, descriptors in {**PAPER_MODELS, "npshape": NPSHAPE_DESCRIPTORS, "npshape-pdf": NPSHAPE_PDF_DESCRIPTORS}.items():
        card = ModelCard.read(study / f"results/models/{model}.json")
        assert model_files.read_card(study / f"results/models/{model}.skops") == card  # the copy inside the model file
        assert card.model == model and card.descriptors == descriptors and card.classes == CLASS_LABELS
        assert card.provenance["npshape_version"] == __version__ and card.provenance["seed"] == 2021
        if arithmetic.can_pin():
            assert card.provenance["arithmetic"]["blas_kernel"] == arithmetic.PINNED_BLAS_KERNEL
        assert card.provenance["arithmetic"]["blas_threads"] == 1
        assert len(card.history) >= np.sum(card.scores["epochs"])


def test_npshape_leaves_out_the_relaxed_copies_that_changed_class(study):
    card = ModelCard.read(study / "results/models/npshape.json")
    assert "DD-33" in card.provenance["left_out"]  # the DD class is the relaxed dodecahedron
    assert {"BMN-S-35-Pt", "BMN-S-35-Ag"} <= set(card.provenance["left_out"])  # beta-Mn does not survive relaxation
    assert {"IC-13", "IC-13-Pt", "IC-13-Ag", "DD-33-Pt"} <= set(card.provenance["structures"])
    for variant in card.provenance["left_out"]:
        atoms = ase.io.read(study / f"results/npshape/structures/{variant}.xyz")
        assert atoms.info["kept"] is False and atoms.info["dropped"]
        assert len(io.read_parquet(study / f"results/npshape/features/{variant}.parquet")[0]) == 0
    features, metadata = io.read_parquet(study / "results/npshape/features/IC-13-Ag.parquet")
    assert len(features) == 20 and set(metadata["settings"]) == set(NPSHAPE_DESCRIPTORS)


def test_second_run_has_nothing_to_do(study):
    assert "Nothing to be done" in snakemake(study, "-n", "--cores", "2").stdout


def test_structure_files_carry_their_provenance(study):
    catalog = yaml.safe_load((study / "config/test-structures.yaml").read_text())
    for entry in catalog["train"] + catalog["challenge"]:
        set_name = "train" if entry in catalog["train"] else "challenge"
        atoms = ase.io.read(study / f"results/structures/{set_name}/{entry['id']}.xyz")
        assert len(atoms) == entry["natoms"]
        assert atoms.info["class"] == entry["class"] and atoms.info["builder"] == entry["builder"]
        assert ("energy_eV" in atoms.info) == entry["relax"]
        distances = atoms.get_all_distances()[np.triu_indices(len(atoms), 1)]
        assert distances.min() > 0.8 * 2.7


def test_feature_files_have_the_documented_layout(study):
    table = pq.read_table(study / "results/features/rdf/IC-13/shard-1.parquet")
    names = table.column_names
    assert names[:3] == ["id", "class", "replica"]
    assert names[3] == "rdf_0.0020" and "rdf_1.0000" in names and names[-1] == "rdf_21.0000"
    assert all(str(table.schema.field(n).type) == "float" for n in names[3:])
    assert json.loads(table.schema.metadata[b"npshape"])["settings"]["sigma_angstrom"] == 0.2
    # replicas 12..23 of 24 in shard 1 of 2
    assert table.column("replica").to_pylist() == list(range(12, 24))
    cm = pq.read_table(study / "results/features/cm/IC-13/shard-0.parquet")
    assert cm.num_columns == 3 + 57 * 58 // 2 and cm.column_names[3:5] == ["cm_0_0", "cm_0_1"]


def test_challenge_features_leave_out_what_cm_cannot_take(study):
    cm, _ = io.read_parquet(study / "results/features/cm/challenge.parquet")
    rdf, _ = io.read_parquet(study / "results/features/rdf/challenge.parquet")
    assert list(rdf["id"]) == ["T01-IC55-relaxed", "T02-FCC-S-55", "T03-IC147-Ag"]
    assert list(cm["id"]) == ["T01-IC55-relaxed", "T02-FCC-S-55"]  # 147 atoms > d = 57


def test_tables_have_the_documented_columns(study):
    table1 = pd.read_csv(study / "results/tables/table1.csv")
    assert list(table1.columns) == ["model", "cv_score", "val_score", "test_score", "paper_cv", "paper_test"]
    assert list(table1["model"]) == ["CM", "RDF1", "RDF2", "RDF3"]
    assert table1[["cv_score", "val_score", "test_score"]].apply(lambda c: c.between(0, 1)).all().all()
    scores = pd.read_csv(study / "results/tables/challenge_scores.csv")
    assert list(scores.columns) == ["model", "n", "s", "s_tolerant", "paper_s", "paper_s_tolerant", "top1", "top1_tolerant"]
    assert dict(zip(scores["model"], scores["n"])) == {"CM": 2, "RDF1": 3, "RDF2": 3, "RDF3": 3, "npshape": 3}
    assert scores.set_index("model").loc["npshape", ["paper_s", "paper_s_tolerant"]].isna().all()  # not in the paper
    assert (scores["s_tolerant"] >= scores["s"]).all() and (scores["top1_tolerant"] >= scores["top1"]).all()
    s1 = pd.read_csv(study / "results/tables/table_s1.csv")
    assert len(s1) == 4 and set(s1["model"]) == {"CM", "RDF3"}
    # the models' own architecture (2 x 16 in the test config) is scored by the models themselves
    main = s1[s1["neurons"] == 16].set_index("model")
    scores = ["cv_score", "val_score", "test_score"]
    for model, row in table1.set_index("model").loc[["CM", "RDF3"]].iterrows():
        assert main.loc[model, scores].tolist() == row[scores].tolist()
    assert not (study / "results/scan/CM/2x16.json").exists()
    for model, extra in [("RDF3", []), ("npshape", ["confidence", "novelty", "nearest", "expected"])]:
        probabilities = pd.read_csv(study / f"results/tables/challenge_probabilities_{model}.csv")
        assert list(probabilities.columns) == ["structure", "predicted", *CLASS_LABELS, *extra]
        assert np.allclose(probabilities[list(CLASS_LABELS)].sum(axis=1), 1.0, atol=1e-5)
    accuracy = pd.read_csv(study / "results/tables/evaluation_accuracy.csv")
    assert list(accuracy.columns) == ["class", "n", "RDF1", "RDF2", "RDF3", "npshape"] and accuracy["class"].iloc[-1] == "all"
    assert accuracy["n"].iloc[-1] == accuracy["n"].iloc[:-1].sum()


def test_every_job_logged_and_timed(study):
    logs = list((study / "results/logs").rglob("*.log"))
    benchmarks = list((study / "results/benchmarks").rglob("*.tsv"))
    assert len(logs) == len(benchmarks) > 100
    assert re.search(r"epoch \{.*validation_loss", (study / "results/logs/train_model/RDF3.log").read_text())


def test_one_entry_edit_reruns_only_that_structure(study, tmp_path):
    workdir = copy_workflow(tmp_path)
    (workdir / "results").symlink_to(study / "results")  # reuse outputs without touching them
    (workdir / ".snakemake").symlink_to(study / ".snakemake")
    catalog_file = workdir / "config/test-structures.yaml"
    catalog_file.write_text(catalog_file.read_text().replace("radius: 1.8}", "radius: 1.81}"))
    dry = snakemake(workdir, "-n", "--cores", "2", "--rerun-triggers", "params", "input").stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", dry, re.MULTILINE))
    assert counts["build_structure"] == "1" and "FCC-S-43" in dry
    assert counts["augment"] == "2"  # its two shards, not the other structures'


def test_dry_run_lists_one_job_per_structure_and_shard(tmp_path):
    workdir = copy_workflow(tmp_path)
    process = snakemake(workdir, "-n", "--cores", "2")
    dry = process.stdout
    # the workflow profile (slower re-scheduling timers) applies without being named
    assert "Using workflow specific profile profiles/default" in process.stdout + process.stderr
    counts = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", dry, re.MULTILINE)}
    catalog = yaml.safe_load((workdir / "config/test-structures.yaml").read_text())
    config = yaml.safe_load((workdir / "config/test.yaml").read_text())
    n_train, shards = len(catalog["train"]), config["augmentation"]["shards"]
    assert counts["build_structure"] == n_train + len(catalog["challenge"])
    assert counts["augment"] == counts["featurize_rdf"] == counts["featurize_cm"] == n_train * shards
    assert counts["train_model"] == 4 and counts["cross_validate"] == 4 * config["splits"]["cv_folds"]
    # npshape's own model: each entry of its catalog as built and relaxed with Pt and Ag, one ensemble
    npshape_catalog = yaml.safe_load((workdir / "config/npshape-test-catalog.yaml").read_text())["train"]
    assert counts["npshape_structure"] == counts["npshape_features"] == 3 * len(npshape_catalog)
    assert counts["train_npshape"] == counts["calibrate_npshape"] == 1
    # its PDF model: every training copy's replicas measured once (in npshape_features), one ensemble
    assert counts["npshape_pdf_dataset"] == counts["train_npshape_pdf"] == counts["calibrate_npshape_pdf"] == 1


def test_no_scan_overlay_keeps_the_paper_study_but_table_s1s_extra_fits(tmp_path):
    workdir = copy_workflow(tmp_path)
    dry = snakemake(workdir, "-n", "--cores", "2", configfile="config/no-scan.yaml").stdout
    counts = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", dry, re.MULTILINE)}
    assert "scan_architecture" not in counts
    assert counts["train_model"] == 4 and counts["cross_validate"] == 20 and counts["table_s1"] == 1
    assert counts["augment"] == 30 and counts["build_structure"] == 62  # the paper's catalog
    # npshape's catalog, each shape as built and relaxed with each metal
    section = yaml.safe_load((ROOT / "config/config.yaml").read_text())["npshape_model"]
    shapes = yaml.safe_load((ROOT / section["catalog"]).read_text())["train"]
    assert counts["npshape_structure"] == len(shapes) * (1 + len(section["relax_metals"]))


def test_html_report_holds_every_table_and_figure(study):
    # as after the README's `pip install -e .`: without the test extras (pytest brings pygments)
    command = [sys.executable, str(ROOT / "tests/plain_install.py"), "snakemake", "--configfile", "config/test.yaml"]
    process = subprocess.run([*command, "--report", "results/report.html"], cwd=study, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    report = (study / "results/report.html").read_text(errors="replace")
    for name in ["table1.csv", "challenge_scores.csv", "table_s1.csv", "challenge_matrix.png", "rdf_profiles.png"]:
        assert name in report
    # one caption template serves both galleries, each gets its own text
    assert "The 30 training structures" in report and "The 32 structures of the challenging dataset" in report
