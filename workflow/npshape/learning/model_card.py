"""The model card: what a trained model is, how it was made and how good it is.

One card per model file, written by the training rule and read by every consumer (tables,
challenge classification, ``npshape classify``), so that the classes, the descriptor
settings a model expects and its scores are stated in one place. It travels inside the
model file and, for readers that need no fitted model (tables, report), as a JSON file
beside it.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path

from npshape.io import atomic_path

# The paper's four models and the descriptors each reads, in feature order (rdf before drdf).
PAPER_MODELS = {"CM": ("cm",), "RDF1": ("rdf",), "RDF2": ("drdf",), "RDF3": ("rdf", "drdf")}
# npshape's own model (the one that ships): g and g' over a short window, and the local order.
NPSHAPE_DESCRIPTORS = ("rdf", "drdf", "local_order", "cna")
# npshape's model of measured pair distribution functions (ships too): G(r) read on r̃.
NPSHAPE_PDF_DESCRIPTORS = ("pdf",)


def fit_provenance(seed: int, **extra) -> dict:
    """Return the provenance every model card records of its fit (npshape version, seed, the
    arithmetic in use: BLAS kernel and SIMD level), with ``extra`` entries after them."""
    from npshape import __version__
    from npshape.learning.arithmetic import arithmetic_in_use

    return {"npshape_version": __version__, "seed": seed, "arithmetic": arithmetic_in_use(), **extra}


@dataclass(frozen=True)
class ModelCard:
    """Classes, descriptors and their settings, training settings, scores, history and provenance.

    ``descriptor_settings`` maps each descriptor to the settings its features were made with
    (the feature files' metadata); ``training`` is the config's ``models`` section used;
    ``scores`` holds at least ``val_score``, ``test_score`` and ``epochs``; ``provenance``
    says by which npshape version, from which config, on which BLAS kernel.
    """

    model: str
    classes: tuple[str, ...]
    descriptors: tuple[str, ...]
    descriptor_settings: dict
    n_features: int
    training: dict
    scores: dict
    history: tuple[dict, ...] = ()
    provenance: dict = field(default_factory=dict)

    def to_json(self) -> str:
        """Return the card as JSON text, keys sorted, so equal cards give equal bytes."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "model card") -> ModelCard:
        """Return the card held by JSON ``text`` (also the metadata files of npshape 0.1, which had no provenance).

        Raises ValueError naming ``source`` if a required field is missing.
        """
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
        missing = sorted(required - set(data))
        if missing:
            raise ValueError(f"{source}: not an npshape model card (missing {', '.join(missing)})")
        values = {key: value for key, value in data.items() if key in known}
        values["classes"] = tuple(values["classes"])
        values["descriptors"] = tuple(values["descriptors"])
        values["history"] = tuple(values.get("history", ()))
        return cls(**values)

    def with_scores(self, scores: dict) -> ModelCard:
        """Return a copy of the card with ``scores`` instead of its own."""
        return replace(self, scores=scores)

    def write(self, path: str | Path) -> None:
        """Write the card as JSON to ``path``, atomically."""
        with atomic_path(path) as tmp:
            tmp.write_text(self.to_json())

    @classmethod
    def read(cls, path: str | Path) -> ModelCard:
        """Return the card written to ``path`` by :meth:`write`; ValueError naming the file if unreadable."""
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise ValueError(f"{path}: cannot read the model card ({error.strerror})") from None
        return cls.from_json(text, source=str(path))
