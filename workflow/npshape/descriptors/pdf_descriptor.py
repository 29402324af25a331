"""The features of npshape's PDF model: a measured or simulated G(r) read on r̃ = r / R_NN1.

One function reads simulated and measured G(r), so the model sees both alike. R_NN1 is the
first peak of G (``pdf.first_peak_from_gr``), the scale the paper's RDF descriptors use too. G
is read by linear interpolation at r̃ = r_tilde_min, r_tilde_min + step, ..., r_tilde_max (times
R_NN1; zero beyond the data) and divided by its largest value around the first peak (0.8-1.2 in
r̃), which removes the unknown scale of a measurement. The Qmax of the Fourier transform joins
as one more input (qmax / 30 Å⁻¹): the width of the peaks and the ripples depend on it.
"""

from __future__ import annotations

import numpy as np

from npshape.descriptors.pdf import first_peak_from_gr

DEFAULT_SETTINGS = {"r_tilde_min": 0.5, "r_tilde_max": 2.5, "step": 0.02}  # the shipped model's (config.yaml)
QMAX_UNIT_INV_ANGSTROM = 30.0
FIRST_PEAK_WINDOW = (0.8, 1.2)  # r̃ range whose largest G normalises the profile


def pdf_grid(settings: dict) -> np.ndarray:
    """Return the r̃ values at which G is read."""
    count = int(round((settings["r_tilde_max"] - settings["r_tilde_min"]) / settings["step"])) + 1
    return settings["r_tilde_min"] + settings["step"] * np.arange(count)


def pdf_column_names(settings: dict) -> list[str]:
    """Return the feature names: ``pdf_<r̃>`` per grid point, then ``qmax``."""
    return [f"pdf_{x:.4f}" for x in pdf_grid(settings)] + ["qmax"]


def pdf_features(r: np.ndarray, G: np.ndarray, qmax: float, settings: dict) -> tuple[np.ndarray, float]:
    """Return (float32 features of shape (n_features,), R_NN1 in Å) of one G(r).

    r : ndarray (n,), Å, increasing and evenly spaced; G : ndarray (n,), Å⁻²; qmax : Å⁻¹.
    Raises ValueError if G has no first peak.
    """
    r_nn1 = first_peak_from_gr(r, G)
    grid = pdf_grid(settings)
    values = np.interp(grid * r_nn1, r, G, left=0.0, right=0.0)
    near = (grid >= FIRST_PEAK_WINDOW[0]) & (grid <= FIRST_PEAK_WINDOW[1])
    peak = values[near].max()
    if not peak > 0:
        raise ValueError("G(r) is not positive at its first peak")
    return np.append(values / peak, qmax / QMAX_UNIT_INV_ANGSTROM).astype(np.float32), r_nn1
