"""Figures of the study; each function takes plain data and writes one PNG."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from npshape.io import atomic_path  # noqa: E402

SURFACE_COLOUR = "#9aa5b1"
CORE_COLOUR = "#a0106e"  # the paper's dark magenta core atoms


def save_figure(fig, path: str, dpi: int) -> None:
    """Write ``fig`` as PNG to ``path`` atomically (a killed job leaves no half-written figure) and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    plt.close(fig)


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
    save_figure(fig, path, dpi=110)


EXPECTED_COLOUR = "#b7e4b0"  # paper Fig. 6: green, the expected class
RIGHT_COLOUR = "#1b7a2e"  # dark green, predicted = expected
ACCEPTABLE_COLOUR = "#3b6fd1"  # blue, predicted an acceptable class
WRONG_COLOUR = "#7d1d3f"  # burgundy, predicted something else


def plot_challenge_matrix(probabilities: dict, entries: list[dict], classes: list[str], path: str) -> None:
    """Write paper Fig. 6: structures × classes per model, expected and predicted cells coloured.

    Parameters
    ----------
    probabilities : dict of model → DataFrame
        Columns ``structure`` and one per class (``classify`` output); structures a model
        cannot take are absent and drawn hatched.
    entries : list of dict
        Challenge catalog entries (id, number, class, acceptable), in display order.
    """
    fig, axes = plt.subplots(1, len(probabilities), figsize=(3.3 * len(probabilities), 0.26 * len(entries) + 1.6), squeeze=False)
    for ax, (model, table) in zip(axes.flat, probabilities.items()):
        by_id = table.set_index("structure")
        for row, entry in enumerate(entries):
            expected = classes.index(entry["class"])
            ax.add_patch(plt.Rectangle((expected - 0.5, row - 0.5), 1, 1, color=EXPECTED_COLOUR))
            if entry["id"] not in by_id.index:
                ax.add_patch(plt.Rectangle((-0.5, row - 0.5), len(classes), 1, fill=False, hatch="///", lw=0))
                continue
            proba = by_id.loc[entry["id"], classes].to_numpy(dtype=float)
            best = int(proba.argmax())
            acceptable = classes[best] in entry["acceptable"]
            colour = RIGHT_COLOUR if best == expected else ACCEPTABLE_COLOUR if acceptable else WRONG_COLOUR
            ax.add_patch(plt.Rectangle((best - 0.5, row - 0.5), 1, 1, color=colour))
            ax.text(best, row, f"{proba[best]:.2f}", ha="center", va="center", fontsize=5, color="white")
        ax.set_xlim(-0.5, len(classes) - 0.5)
        ax.set_ylim(len(entries) - 0.5, -0.5)
        ax.set_xticks(range(len(classes)), classes, rotation=90, fontsize=7)
        ax.set_yticks(range(len(entries)), [str(e["number"]) for e in entries], fontsize=6)
        ax.set_title(model, fontsize=9)
        ax.grid(False)
    fig.tight_layout()
    save_figure(fig, path, dpi=120)


def plot_confusion(confusion, title: str, path: str) -> None:
    """Write a confusion matrix (DataFrame, true classes × predicted classes) as a heat map."""
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    values = confusion.to_numpy()
    ax.imshow(values, cmap="Greens")
    for (i, j), count in np.ndenumerate(values):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color="k" if i != j else "w")
    ax.set_xticks(range(len(confusion.columns)), confusion.columns, rotation=90, fontsize=7)
    ax.set_yticks(range(len(confusion.index)), confusion.index, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, path, dpi=120)


def plot_rdf_profiles(profiles: list[tuple[str, np.ndarray, np.ndarray]], path: str) -> None:
    """Write paper Fig. 3 (left): g(r̃) of each labelled profile, offset vertically.

    ``profiles`` are (label, r̃ grid, g) triples.
    """
    fig, ax = plt.subplots(figsize=(7, 0.55 * len(profiles) + 1.5))
    for offset, (label, grid, g) in enumerate(profiles):
        ax.plot(grid, g + 1.2 * offset, lw=0.7)
        ax.text(grid[-1], 1.2 * offset + 0.2, label, ha="right", fontsize=7)
    ax.set_xlabel("r̃ = r / R_NN1")
    ax.set_ylabel("g(r̃), offset")
    ax.set_yticks([])
    fig.tight_layout()
    save_figure(fig, path, dpi=120)


def plot_coulomb_matrices(matrices: list[tuple[str, np.ndarray]], path: str, columns: int = 6) -> None:
    """Write paper Fig. 3 (right): each labelled Coulomb matrix as an image (log colour scale)."""
    rows = math.ceil(len(matrices) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.0 * columns, 2.1 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, (label, matrix) in zip(axes.flat, matrices):
        ax.imshow(np.log10(np.where(matrix > 0, matrix, np.nan)), cmap="viridis")
        ax.set_title(label, fontsize=8)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
