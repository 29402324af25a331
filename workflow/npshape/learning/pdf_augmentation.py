"""PDFs as experiments give them: the training data of npshape's PDF model.

Each replica of npshape's training structures (already thermally disordered, rescaled to a bond
of 2.45-3.0 Å, sometimes alloyed or missing surface atoms: ``learning.disorder``) is measured
once, with settings drawn from its own seed: X-ray (with probability ``xray_probability``) or
neutron; Qmin, Qmax, Qdamp and Uiso uniform in their ranges (Qmax 15-30 Å⁻¹: one model serves
synchrotron and neutron data alike; Uiso adds the widths the replica's static displacements do
not hold: zero-point motion and the instrument); an unknown scale; Gaussian noise of standard
deviation ``noise`` × max |G|, with ``noise`` uniform in its range. The G(r) is simulated with the
Debye equation (``descriptors.pdf.simulate_gr``, the finite particle's baseline included) on
0-R_MAX_ANGSTROM and read as the model reads a measurement (``descriptors.pdf_descriptor``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from npshape.descriptors.pdf import PDFSettings, simulate_gr
from npshape.descriptors.pdf_descriptor import pdf_column_names, pdf_features

# r̃ = 6 of the largest bond (3 Å), with room for the interpolation: the windows benchmarks/pdf_window.py
# compares; the shipped window (r̃ <= 2.5) reads G up to 7.5 Å of it
R_MAX_ANGSTROM = 20.0
R_STEP_ANGSTROM = 0.01


@dataclass(frozen=True)
class MeasurementRanges:
    """The ranges measurement settings are drawn from (config ``npshape_pdf_model.measurement``)."""

    xray_probability: float = 0.8
    qmin: tuple[float, float] = (0.3, 1.0)
    qmax: tuple[float, float] = (15.0, 30.0)
    qdamp: tuple[float, float] = (0.01, 0.06)
    uiso: tuple[float, float] = (0.001, 0.004)
    scale: tuple[float, float] = (0.5, 2.0)
    noise: tuple[float, float] = (0.002, 0.03)

    @classmethod
    def from_config(cls, section: dict) -> MeasurementRanges:
        """Return the ranges held by a config section (lists become tuples)."""
        return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in section.items()})

    def draw(self, rng: np.random.Generator) -> tuple[PDFSettings, float, float]:
        """Return (instrument settings, scale, relative noise) of one measurement."""
        settings = PDFSettings(
            radiation="xray" if rng.uniform() < self.xray_probability else "neutron",
            qmin=rng.uniform(*self.qmin),
            qmax=rng.uniform(*self.qmax),
            qdamp=rng.uniform(*self.qdamp),
            uiso=rng.uniform(*self.uiso),
        )
        return settings, rng.uniform(*self.scale), rng.uniform(*self.noise)


def measured(positions, numbers, settings: PDFSettings, scale: float, noise: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Return (r, G) of one structure as measured: simulated, scaled, with noise (Å, Å⁻²)."""
    r = np.arange(0.0, R_MAX_ANGSTROM + R_STEP_ANGSTROM / 2, R_STEP_ANGSTROM)
    g = scale * simulate_gr(positions, numbers, r, settings)
    return r, g + rng.normal(0.0, noise * np.abs(g).max(), g.shape)


def measured_features(positions: list, numbers: list, seeds, ranges: MeasurementRanges, descriptor: dict) -> np.ndarray:
    """Return the PDF features (n_replicas, n_features) of replicas, each measured once from its own seed.

    ``positions`` and ``numbers`` list each replica's atoms (Å, atomic numbers); ``seeds`` their
    seeds (uint64); ``descriptor`` the PDF descriptor's settings.
    """
    rows = []
    for xyz, z, seed in zip(positions, numbers, seeds):
        rng = np.random.default_rng([int(seed), 1])  # a stream of its own, apart from the replica's displacements
        settings, scale, noise = ranges.draw(rng)
        r, g = measured(xyz, z, settings, scale, noise, rng)
        rows.append(pdf_features(r, g, settings.qmax, descriptor)[0])
    return np.array(rows, dtype=np.float32) if rows else np.zeros((0, len(pdf_column_names(descriptor))), np.float32)
