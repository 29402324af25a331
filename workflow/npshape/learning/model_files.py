"""Model files: a fitted pipeline saved with skops (no pickle), its model card inside.

A model file is a skops archive (a zip) to which :func:`save_model` adds two members: the
model card, so that one file says what it is, and the fitted arrays the prediction needs
(scaler means and scales, layer weights and biases) as an ``.npz``. ``npshape classify``
predicts from those arrays with numpy alone (``npshape.classify.predictor``): importing
scikit-learn and skops costs 2-4 s, more than a whole classification of one file. The same
card is also written as JSON where the workflow declares it, for readers that need no model.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

from npshape.io import atomic_path
from npshape.learning.model_card import ModelCard

# Types a saved model may contain beyond skops' defaults; anything else is refused on load.
# npshape 0.1 saved the scaler as npshape.models.FlooredStandardScaler (still importable there).
TRUSTED_TYPES = [
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "npshape.learning.scaling.FlooredStandardScaler",
    "npshape.learning.ensemble.ProbabilityAverage",
    "npshape.models.FlooredStandardScaler",
]
CARD_MEMBER = "npshape/model_card.json"
ARRAYS_MEMBER = "npshape/inference.npz"


def save_model(
    pipeline, card: ModelCard, model_path: str | Path, card_path: str | Path | None = None, extra_arrays: dict | None = None
) -> None:
    """Write ``pipeline`` with skops and ``card`` inside it to ``model_path``, and the card to ``card_path`` if given.

    ``extra_arrays`` join the prediction arrays: ``temperature`` (calibration), ``novelty/...``.
    """
    import skops.io as sio

    arrays = io.BytesIO()
    np.savez(arrays, **inference_arrays(pipeline), **(extra_arrays or {}))
    with atomic_path(model_path) as tmp:
        sio.dump(pipeline, tmp)
        with zipfile.ZipFile(tmp, "a") as archive:
            archive.writestr(CARD_MEMBER, card.to_json())
            archive.writestr(ARRAYS_MEMBER, arrays.getvalue())
    if card_path is not None:
        card.write(card_path)


def inference_arrays(model) -> dict[str, np.ndarray]:
    """Return what predicting with ``model`` needs, as arrays: for each member k (one for a single
    pipeline, several for a ``ProbabilityAverage``), ``k/mean`` and ``k/scale`` of its scaler and
    ``k/W{l}``, ``k/b{l}`` of its layers (ReLU hidden layers, softmax output)."""
    from npshape.learning.ensemble import ProbabilityAverage

    members = model.members if isinstance(model, ProbabilityAverage) else [model]
    arrays = {}
    for k, pipeline in enumerate(members):
        scaler, mlp = pipeline.steps[0][1], pipeline.steps[-1][1]
        if mlp.activation != "relu" or mlp.out_activation_ != "softmax":
            raise ValueError(f"cannot export {mlp.activation}/{mlp.out_activation_} networks (relu/softmax only)")
        arrays[f"{k}/mean"], arrays[f"{k}/scale"] = scaler.mean_, scaler.scale_
        for layer, (weights, biases) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
            arrays[f"{k}/W{layer}"], arrays[f"{k}/b{layer}"] = weights, biases
    return arrays


def copy_with_card(model_path: str | Path, card: ModelCard, destination: str | Path) -> None:
    """Write a copy of a model file to ``destination`` (atomically) with ``card`` as its model card."""
    with zipfile.ZipFile(model_path) as source, atomic_path(destination) as tmp, zipfile.ZipFile(tmp, "w") as target:
        for item in source.infolist():
            target.writestr(item, card.to_json() if item.filename == CARD_MEMBER else source.read(item.filename))


def read_card(model_path: str | Path) -> ModelCard:
    """Return the card of a model file, without loading the fitted pipeline.

    Files of npshape 0.1 carry no card inside: their JSON metadata beside them (same name,
    ``.json``) is read instead. Raises ValueError naming the file if neither is readable.
    """
    model_path = Path(model_path)
    if not model_path.is_file():
        raise ValueError(f"{model_path}: no such model file")
    try:
        with zipfile.ZipFile(model_path) as archive:
            if CARD_MEMBER in archive.namelist():
                return ModelCard.from_json(archive.read(CARD_MEMBER).decode(), source=str(model_path))
    except zipfile.BadZipFile:
        raise ValueError(f"{model_path}: not a skops model file (pickles and other formats are refused)") from None
    return ModelCard.read(model_path.with_suffix(".json"))


def read_arrays(model_path: str | Path) -> dict[str, np.ndarray]:
    """Return the prediction arrays of a model file (see :func:`inference_arrays`), without scikit-learn.

    Raises ValueError naming the file if it has none (files of npshape 0.1: load them with
    :func:`load_model` instead).
    """
    try:
        with zipfile.ZipFile(model_path) as archive, archive.open(ARRAYS_MEMBER) as member:
            with np.load(io.BytesIO(member.read()), allow_pickle=False) as arrays:
                return dict(arrays)
    except KeyError:
        raise ValueError(f"{model_path}: no prediction arrays (a model file of npshape 0.1?)") from None
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        raise ValueError(f"{model_path}: not a readable npshape model file ({error})") from None


def load_model(model_path: str | Path):
    """Return (pipeline, card) of a model file written by :func:`save_model`.

    Raises
    ------
    ValueError
        Naming the file, if it is missing, not a skops file (a pickle, say), contains a type
        outside skops' defaults and :data:`TRUSTED_TYPES`, or has no model card.
    """
    import skops.io as sio
    from sklearn.pipeline import Pipeline

    from npshape.learning.ensemble import ProbabilityAverage

    card = read_card(model_path)
    try:
        pipeline = sio.load(model_path, trusted=TRUSTED_TYPES)
    except sio.exceptions.UntrustedTypesFoundException as error:
        raise ValueError(f"{model_path}: refused, the file contains untrusted types ({error})") from None
    except Exception as error:  # a damaged archive can fail in many ways
        raise ValueError(f"{model_path}: not a readable skops model file ({type(error).__name__}: {error})") from None
    if not isinstance(pipeline, Pipeline | ProbabilityAverage):
        raise ValueError(f"{model_path}: not an npshape model")
    return pipeline, card
