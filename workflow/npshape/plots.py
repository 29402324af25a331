"""Figures of the study; each function takes plain data and writes one PNG."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

SURFACE_COLOUR = "#9aa5b1"
CORE_COLOUR = "#a0106e"  # the paper's dark magenta core atoms


def _principal_frame(positions: np.ndarray) -> np.ndarray:
    """Return positions rotated onto their principal axes of inertia (largest extent first)."""
    centred = positions - positions.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return centred @ vectors[:, ::-1]


def plot_gallery(panels: list[tuple[str, np.ndarray, np.ndarray]], path: str, columns: int = 6) -> None:
    """Write a grid of projections, one per structure, surface atoms grey and core atoms magenta.

    Parameters
    ----------
    panels : list of (title, positions, surface_mask)
        positions of shape (n_atoms, 3) in Å; surface_mask boolean of shape (n_atoms,).
    path : str
        PNG file to write.
    """
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.2 * columns, 2.3 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, (title, positions, surface) in zip(axes.flat, panels):
        frame = _principal_frame(np.asarray(positions, dtype=float))
        order = np.argsort(frame[:, 2])  # draw back to front so near atoms hide far ones
        colours = np.where(surface, SURFACE_COLOUR, CORE_COLOUR)[order]
        size = 1800.0 / max(np.ptp(frame[:, :2], axis=0).max(), 1.0) ** 1.2
        ax.scatter(frame[order, 0], frame[order, 1], s=size, c=colours, edgecolors="k", linewidths=0.3)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
