"""Where model files of npshape 0.1 name their scaler (``npshape.models.FlooredStandardScaler``).

Kept so that those files still load; new files name ``npshape.learning.scaling``.
"""

from npshape.learning.scaling import FlooredStandardScaler

__all__ = ["FlooredStandardScaler"]
