"""Classifying users' files: every frame in, one row of class probabilities out.

Frames come from :func:`npshape.classify.inputs.iter_frames` (checked, periodic cells
unwrapped); consecutive frames with the same atoms are featurised and predicted together, in
batches of BATCH_FRAMES (a trajectory costs about what its descriptors cost). A measured pair
distribution function (a ``.gr`` file, ``classify.gr_files``) goes to the PDF model instead,
which reads its G(r) and the Qmax of its transform (from the header, or ``qmax``). An input
that cannot be classified (a problem of its file or frame, or a structure outside what the
model's descriptors take) becomes one error line; the others go on.

Each row holds ``structure`` (the file as given), ``predicted``, one probability per class of
the model (calibrated, if the model has a temperature), then ``frame`` (0-based index in the
file), ``confidence`` (the probability of the most probable class), ``novelty`` (how unlike the
model's training data the structure is; empty if the model has no novelty score), ``n_atoms``,
``r_nn1`` (the nearest-neighbour distance R_NN1, Å, that scales the RDF) and ``nearest`` (the
training structure it is closest to, by the novelty's measure). ``predicted`` is ``unknown``
when the novelty is over the model's threshold, unless ``closed_set`` asks for a class anyway.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from npshape.classify.gr_files import is_gr_file, read_gr, require_qmax
from npshape.classify.inputs import Frame, iter_frames
from npshape.classify.predictor import Predictor

BATCH_FRAMES = 32
EXTRA_COLUMNS = ("frame", "confidence", "novelty", "n_atoms", "r_nn1", "nearest")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Row:
    """One classified frame."""

    structure: str
    frame: int
    predicted: str  # a class, or UNKNOWN
    probabilities: np.ndarray
    novelty: float  # NaN for a model without a novelty score
    n_atoms: int | None  # None for a measured PDF
    r_nn1: float  # Å
    nearest: str  # "" for a model without a novelty score

    @property
    def confidence(self) -> float:
        """The probability of the most probable class."""
        return float(self.probabilities.max())


def header(classes) -> list[str]:
    """Return the CSV columns: ``structure,predicted,<classes>``, then the extra columns."""
    return ["structure", "predicted", *classes, *EXTRA_COLUMNS]


def classify_files(
    paths: Iterable[str],
    predictor: Predictor,
    frames: str | None = None,
    closed_set: bool = False,
    pdf_predictor: Callable[[], Predictor] | None = None,
    qmax: float | None = None,
) -> Iterator[Row | str]:
    """Yield a :class:`Row` per classified frame and a one-line message per frame that could not be, in file order.

    ``closed_set`` gives every frame its most probable class, never ``unknown``.
    ``pdf_predictor`` returns the model for ``.gr`` files (called at the first one; default: the
    shipped PDF model); ``qmax`` (Å⁻¹) overrides the Qmax their headers give.
    """
    for path in paths:
        if is_gr_file(path):
            yield _classified_pdf(path, (pdf_predictor or _shipped_pdf_predictor)(), qmax, closed_set)
            continue
        batch: list[Frame] = []
        for frame in iter_frames(path, frames):
            if batch and (frame.atoms is None or len(batch) == BATCH_FRAMES or not _same_atoms(batch[0], frame)):
                yield from _classified(batch, predictor, closed_set)
                batch = []
            if frame.atoms is None:
                yield frame.error
            else:
                batch.append(frame)
        yield from _classified(batch, predictor, closed_set)


def _classified_pdf(path: str, predictor: Predictor, qmax: float | None, closed_set: bool) -> Row | str:
    """Return the row of a measured PDF, or its one-line problem."""
    from npshape.descriptors.pdf_descriptor import pdf_features

    try:
        data = read_gr(path)
        if data.metadata.get("radiation") == "electron":
            raise ValueError(f"{path}: an electron PDF; the PDF model knows X-ray and neutron PDFs only")
        transform_qmax = require_qmax(data, qmax)
        X, r_nn1 = pdf_features(data.r, data.G, transform_qmax, predictor.card.descriptor_settings["pdf"])
    except ValueError as error:
        message = str(error)
        return message if message.startswith(str(path)) else f"{path}: {message}"
    X = X[None]
    probabilities = predictor.predict_proba(X)[0]
    novelty = predictor.novelty.scores(X)[0] if predictor.novelty else np.nan
    novel = predictor.novelty is not None and novelty > predictor.novelty.threshold and not closed_set
    nearest = str(predictor.novelty.nearest_structures(X)[0]) if predictor.novelty else ""
    predicted = UNKNOWN if novel else str(predictor.classes[probabilities.argmax()])
    return Row(path, 0, predicted, probabilities, float(novelty), None, float(r_nn1), nearest)


def _same_atoms(frame: Frame, other: Frame) -> bool:
    """Return whether two frames hold the same atoms (count and elements, in order)."""
    return len(frame.atoms) == len(other.atoms) and np.array_equal(frame.atoms.numbers, other.atoms.numbers)


def _classified(batch: list[Frame], predictor: Predictor, closed_set: bool) -> Iterator[Row | str]:
    """Yield the rows of a batch of frames with the same atoms; a frame the model cannot take gives its message."""
    if not batch:
        return
    problem = _out_of_reach(batch[0], predictor)
    if problem:
        yield from (f"{frame.path}: frame {frame.index}: {problem}" for frame in batch)
        return
    positions = np.stack([frame.atoms.get_positions() for frame in batch])
    r_nn1 = np.full(len(batch), np.nan)
    try:
        X = predictor.features(positions, batch[0].atoms.numbers, r_nn1)
    except ValueError:
        if len(batch) > 1:  # find the frame(s) at fault, classify the others
            for frame in batch:
                yield from _classified([frame], predictor, closed_set)
            return
        yield f"{batch[0].path}: frame {batch[0].index}: {_describe_failure(batch[0], predictor)}"
        return
    proba = predictor.predict_proba(X)
    if np.isnan(r_nn1).any():  # a model without RDF (CM)
        r_nn1 = _nearest_neighbour_distances(positions, batch[0].atoms.numbers)
    if predictor.novelty is None:
        novelty, nearest, novel = np.full(len(batch), np.nan), [""] * len(batch), np.zeros(len(batch), bool)
    else:
        novelty, nearest = predictor.novelty.scores(X), predictor.novelty.nearest_structures(X)
        novel = (novelty > predictor.novelty.threshold) & (not closed_set)
    for k, frame in enumerate(batch):
        predicted = UNKNOWN if novel[k] else str(predictor.classes[proba[k].argmax()])
        yield Row(
            frame.path, frame.index, predicted, proba[k], float(novelty[k]), len(frame.atoms), float(r_nn1[k]), str(nearest[k])
        )


def _out_of_reach(frame: Frame, predictor: Predictor) -> str | None:
    """Return why the model cannot take this structure at all (too many atoms for a Coulomb matrix), or None."""
    if "cm" in predictor.card.descriptors:
        size = predictor.card.descriptor_settings["cm"]["size"]
        if len(frame.atoms) > size:
            return f"{len(frame.atoms)} atoms, more than the {size} the Coulomb-matrix model takes; use the default model"
    return None


def _describe_failure(frame: Frame, predictor: Predictor) -> str:
    """Return what to tell the user when the descriptors of one frame failed."""
    try:
        predictor.features(frame.atoms.get_positions()[None], frame.atoms.numbers)
    except ValueError as error:
        return f"its descriptors cannot be computed ({error}); please report it with the file"
    return "its descriptors failed in a batch but not alone; please report it with the file"


def _nearest_neighbour_distances(positions: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Return R_NN1 (Å) of each structure of a batch: the first peak of its g(r), as the RDF descriptor finds it."""
    from scipy.spatial.distance import pdist

    from npshape.descriptors import rdf

    distances = np.stack([pdist(x) for x in positions])
    return rdf.first_peak_position(distances, rdf.pair_weights(numbers))


def shipped_model(name: str = "npshape") -> str:
    """Return the path of a model that ships inside the package: npshape's own (structures) or ``npshape-pdf``."""
    from importlib.resources import files

    return str(files("npshape") / "data" / f"{name}.skops")


@functools.cache
def _shipped_pdf_predictor() -> Predictor:
    """Return the shipped PDF model, loaded once."""
    return Predictor.from_file(shipped_model("npshape-pdf"))
