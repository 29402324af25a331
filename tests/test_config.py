"""The config and catalog schemas: they accept the shipped files and stop bad ones, naming the key."""

import copy

import pytest
import yaml
from conftest import ROOT, copy_workflow, snakemake
from snakemake.exceptions import WorkflowError
from snakemake.utils import update_config, validate

from npshape.classes import CLASS_LABELS
from npshape.structures import build, catalog

CONFIG_SCHEMA = str(ROOT / "workflow/schemas/config.schema.yaml")
CATALOG_SCHEMA = str(ROOT / "workflow/schemas/structures.schema.yaml")


def load(path):
    return yaml.safe_load((ROOT / path).read_text())


def study_config(overlay=None):
    """Return config/config.yaml with an overlay merged over it, as ``snakemake --configfile overlay`` does."""
    config = load("config/config.yaml")
    if overlay:
        update_config(config, load(overlay))
    return config


def test_schema_enums_match_the_package():
    schema = load("workflow/schemas/structures.schema.yaml")
    entry = schema["$defs"]["entry"]["properties"]
    assert entry["class"]["enum"] == list(CLASS_LABELS)
    assert entry["acceptable"]["items"]["enum"] == list(CLASS_LABELS)
    assert set(entry["builder"]["enum"]) == set(build.BUILDERS)


@pytest.mark.parametrize("overlay", [None, "config/test.yaml", "config/no-scan.yaml"])
def test_shipped_configs_and_catalogs_validate(overlay):
    config = study_config(overlay)
    validate(config, CONFIG_SCHEMA)
    shipped = catalog.load_catalog(ROOT / config["catalog"])
    validate(shipped, CATALOG_SCHEMA)
    catalog.check_catalog(shipped, config["sutton_chen"]["metals"])


def test_paper_catalog_has_30_training_structures_in_11_classes():
    train = catalog.load_catalog(ROOT / "config/structures.yaml")["train"]
    assert len(train) == 30
    counts = {label: sum(e["class"] == label for e in train) for label in CLASS_LABELS}
    assert all(2 <= n <= 4 for n in counts.values()), counts
    sizes = [e["natoms"] for e in train]
    assert min(sizes) >= 13 and max(sizes) == 189
    assert {e["id"] for e in train if e["natoms"] == 189} == {"BCC-C-189"}
    assert any(e["class"] == "DC" and e["natoms"] == 105 for e in train)
    assert all(e["relax"] == (e["class"] == "DD") for e in train)


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda c: c["augmentation"].update(replicas="many"), "replicas"),
        (lambda c: c["models"].pop("patience"), "patience"),
        (lambda c: c["descriptors"]["rdf"].update(sigma_angstrom=-0.2), "sigma_angstrom"),
        (lambda c: c.update(extra_key=1), "extra_key"),
    ],
)
def test_bad_config_is_refused_naming_the_key(mutate, key):
    config = copy.deepcopy(load("config/config.yaml"))
    mutate(config)
    with pytest.raises(WorkflowError, match=key):
        validate(config, CONFIG_SCHEMA)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda e: e.update({"class": "XX"}), "XX"),
        (lambda e: e.update(builder="pyramid"), "pyramid"),
        (lambda e: e.pop("natoms"), "natoms"),
        (lambda e: e.update(relax="yes"), "relax"),
    ],
)
def test_bad_catalog_entry_is_refused_naming_the_key(mutate, message):
    shipped = catalog.load_catalog(ROOT / "config/structures.yaml")
    mutate(shipped["train"][0])
    with pytest.raises(WorkflowError, match=message):
        validate(shipped, CATALOG_SCHEMA)


def test_duplicate_id_and_unknown_metal_are_refused():
    shipped = catalog.load_catalog(ROOT / "config/structures.yaml")
    metals = load("config/config.yaml")["sutton_chen"]["metals"]
    twice = copy.deepcopy(shipped)
    twice["train"].append(dict(twice["train"][0]))
    with pytest.raises(ValueError, match="appears twice"):
        catalog.check_catalog(twice, metals)
    gold = copy.deepcopy(shipped)
    gold["train"][0]["metal"] = "Au"
    with pytest.raises(ValueError, match="Au"):
        catalog.check_catalog(gold, metals)


def test_snakemake_stops_before_any_job_on_a_bad_catalog(tmp_path):
    workdir = copy_workflow(tmp_path)
    catalog_file = workdir / "config/test-structures.yaml"
    catalog_file.write_text(catalog_file.read_text().replace("class: OH,", "class: OCT,"))
    process = snakemake(workdir, "-n", "--cores", "1", check=False)
    assert process.returncode != 0
    assert "OCT" in process.stdout + process.stderr
    assert not (workdir / "results").exists()
