"""Model files: a fitted pipeline saved with skops (no pickle), its model card inside.

A model file is a skops archive (a zip) to which :func:`save_model` adds the card as one more
member, so that one file says what it is; the same card is also written as JSON where the
workflow declares it, for readers that need no fitted model.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from npshape.io import atomic_path
from npshape.learning.model_card import ModelCard

# Types a saved model may contain beyond skops' defaults; anything else is refused on load.
# npshape 0.1 saved the scaler as npshape.models.FlooredStandardScaler (still importable there).
TRUSTED_TYPES = [
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "npshape.learning.scaling.FlooredStandardScaler",
    "npshape.models.FlooredStandardScaler",
]
CARD_MEMBER = "npshape/model_card.json"


def save_model(pipeline, card: ModelCard, model_path: str | Path, card_path: str | Path | None = None) -> None:
    """Write ``pipeline`` with skops and ``card`` inside it to ``model_path``, and the card to ``card_path`` if given."""
    import skops.io as sio

    with atomic_path(model_path) as tmp:
        sio.dump(pipeline, tmp)
        with zipfile.ZipFile(tmp, "a") as archive:
            archive.writestr(CARD_MEMBER, card.to_json())
    if card_path is not None:
        card.write(card_path)


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

    card = read_card(model_path)
    try:
        pipeline = sio.load(model_path, trusted=TRUSTED_TYPES)
    except sio.exceptions.UntrustedTypesFoundException as error:
        raise ValueError(f"{model_path}: refused, the file contains untrusted types ({error})") from None
    except Exception as error:  # a damaged archive can fail in many ways
        raise ValueError(f"{model_path}: not a readable skops model file ({type(error).__name__}: {error})") from None
    if not isinstance(pipeline, Pipeline):
        raise ValueError(f"{model_path}: not an npshape model")
    return pipeline, card
