"""Users' structure files, frame by frame: each frame checked to be one finite cluster of atoms.

:func:`iter_frames` yields one :class:`Frame` per selected frame of a file, in file order,
holding either the checked cluster or a one-line error. A bad file or frame never stops the
others, and memory does not grow with the number of frames: frames are read one at a time
(with ``ase.io.iread``, or for XYZ and extended XYZ with our own splitter, so that reading
can resume after a corrupted frame). Frames and atoms are numbered from 0, as in ASE.

Messages are ``"{path}: frame {i}: {problem}; {what to do}"``, or ``"{path}: {problem}; {what
to do}"`` when the file as a whole cannot be read (its frame is then ``None``). Single-frame
files say ``frame 0`` too, so every message of every file has the same shape.

**Bonds.** Two atoms are bonded when they are at most ``BOND_CUTOFF_FACTOR`` = 1.5 times the
median nearest-neighbour distance apart (never more than ``MAX_BOND_ANGSTROM``). A relative
cutoff fits every metal and any disorder a file may hold. Why 1.5: the neighbour shells
of fcc and hcp lie at 1 and 1.41 nearest-neighbour distances, those of bcc at 1, 1.15 and
1.63, so 1.5 keeps bcc second neighbours bonded with 0.35 of a bond (about 1 Å) to spare;
that margin holds thermal disorder (0.1-0.2 Å per coordinate moves a pair distance by
0.15-0.3 Å, one standard deviation, and shortens the median nearest neighbour a little),
the 5 % longer surface bonds of icosahedra, relaxed and amorphous clusters (the first
minimum of g(r) of liquid metals lies at 1.4-1.5 nearest-neighbour distances) and loose
adatoms. Atoms farther apart are not bonded: the Sutton-Chen repulsion of Pt or Ag at 1.5
bonds is under 2 % of its value at one bond. So two particles whose nearest atoms are more
than 1.5 bonds apart (4.2 Å for Pt, 3.8 Å for Cu) are two clusters.

**Periodic cells** (VASP POSCAR/CONTCAR, CIF, extended XYZ with a ``Lattice``). A cell that
holds one finite cluster is turned into that cluster: bonds are found across the periodic
boundaries (every image within the cutoff), the bond graph is walked from one atom giving
each atom the image shift that keeps its bonds whole, and the cluster is centred in the cell
and returned without cell. An atom reached with two different shifts bonds to its own image:
the structure is a wire, a slab or bulk (the lattice directions of those loops span 1, 2 or
3 dimensions) and is refused. The cluster must be separated from its images by a vacuum
layer at least ``MIN_VACUUM_ANGSTROM`` = 6 Å thick along every periodic cell vector (the
width of the empty layer between parallel planes, as DFT users count vacuum): no bond
cutoff exceeds it, so no image can be bonded; DFT boxes leave 10 Å or more. Partial
periodicity (e.g. ``pbc=[True, True, False]``) and non-orthogonal cells are handled.

**Resynchronising XYZ.** A frame is an atom-count line (one integer), a comment line and
that many atom lines; extended XYZ may add up to three ``VEC`` lines. A frame that cannot be
parsed is one error frame and reading goes on at the next frame. A line holding one integer
among a frame's atom lines ends that frame as too short and starts the next frame; lines
after a frame's atoms that are not an atom-count line make that frame an error and are
skipped up to the next atom-count line. Blank lines between frames are skipped. Other
formats are read by ASE; an exception from its reader ends the file with one error frame
naming the frame where reading stopped (the whole file, frame ``None``, if no frame was read).
"""

from __future__ import annotations

import io
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice

import ase.io
import numpy as np
from ase import Atoms
from ase.io.extxyz import _read_xyz_frame
from ase.io.formats import filetype, open_with_compression
from ase.neighborlist import primitive_neighbor_list
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

OVERLAP_ANGSTROM = 0.5  # closer atoms than this are a broken file, not a nanoparticle
BOND_CUTOFF_FACTOR = 1.5  # bonded: within this many median nearest-neighbour distances (module docstring)
MAX_BOND_ANGSTROM = 6.0  # no metal bond is longer (Cs-Cs, the longest, is 5.3 Å)
MIN_VACUUM_ANGSTROM = MAX_BOND_ANGSTROM  # a vacuum layer this thick leaves no image bonded
# Up to this many atoms, all pair distances: 2-4 times faster than a k-d tree up to 300 atoms and
# still faster at 900 (benchmarks/read_frames.py), but their memory grows as n² and the search
# for bonded groups costs one n² product per bond along the longest path.
DENSE_MAX_ATOMS = 400
XYZ_FORMATS = ("extxyz", "xyz")  # read with our own splitter, which resynchronises after a bad frame
PARALLEL_TOLERANCE = 1e-6  # periodic cell vectors this close to dependent (Gram determinant ratio) are refused
PERIODIC_KINDS = {1: "a wire", 2: "a slab", 3: "bulk"}  # by the dimension the loops to own images span
MESSAGE_QUOTE_CHARS = 60  # a quoted line of a file is cut to this length

# An atom-count line among a frame's atom lines: the start of the next frame.
_COUNT_LINE = re.compile(r"\n[ \t]*[0-9]+[ \t]*(?:\n|\Z)")
_FRAME_NUMBER = re.compile(r"-?[0-9]+")
_FRAME_SLICE = re.compile(r"(-?[0-9]+)?:(-?[0-9]+)?(?::(-?[0-9]+)?)?")


class InputProblem(Exception):
    """One user input (file or frame) that cannot be classified; str() is one line."""


@dataclass(frozen=True)
class Frame:
    """One frame of a user's file: a checked cluster, or why it cannot be classified."""

    path: str  # the file as the user named it
    index: int | None  # 0-based frame index in the file (also under a selection); None: the whole file failed
    atoms: Atoms | None  # a checked finite single cluster, pbc all False, no cell; None on error
    error: str | None  # one line naming the file (and frame), the problem and what to do; None if fine


# ---------------------------------------------------------------------------- frame selection


def parse_frame_selection(text: str | None) -> slice | int:
    """Return the frames ``text`` selects in ASE index syntax ("5", "-1", "100:200", "::10"); None: all.

    Raises
    ------
    ValueError
        If ``text`` is neither a frame number nor a slice, or its step is 0.
    """
    if text is None:
        return slice(None)
    stripped = text.strip()
    if _FRAME_NUMBER.fullmatch(stripped):
        return int(stripped)
    match = _FRAME_SLICE.fullmatch(stripped)
    if not match:
        raise ValueError(
            f"frame selection {text!r} is neither a frame number (5, -1) nor a slice (100:200, ::10, -10:)"
        )
    start, stop, step = (None if part is None else int(part) for part in match.groups())
    if step == 0:
        raise ValueError(f"frame selection {text!r} has step 0; use a step of 1 or more (::10)")
    return slice(start, stop, step)


def _selected(items: Iterator, selection: slice | int, count_frames: Callable[[], int]) -> Iterator:
    """Yield the ``(index, read)`` items ``selection`` picks, in file order, reading no further than needed.

    Selections from the start forwards stream; the others (negative numbers, negative steps)
    first count the frames with ``count_frames``. Items of index None (the file failed) always
    pass.
    """
    if isinstance(selection, int) and selection >= 0:
        wanted, last = {selection}.__contains__, selection
    elif isinstance(selection, slice) and min(selection.start or 0, selection.stop or 0, selection.step or 1) >= 0:
        start, stop, step = selection.start or 0, selection.stop, selection.step or 1
        wanted = partial(_in_forward_slice, start=start, stop=stop, step=step)
        last = None if stop is None else stop - 1
    else:
        frames = range(count_frames())
        try:
            indices = set(frames[selection]) if isinstance(selection, slice) else {frames[selection]}
        except IndexError:
            indices = set()
        wanted, last = indices.__contains__, max(indices, default=-1)
    for index, read in items:
        if index is None or wanted(index):
            yield index, read
        if index is None or (last is not None and index >= last):
            return


def _in_forward_slice(index: int, start: int, stop: int | None, step: int) -> bool:
    """Return whether ``index`` is in ``start:stop:step`` (all non-negative)."""
    return index >= start and (index - start) % step == 0 and (stop is None or index < stop)


# ---------------------------------------------------------------------------- reading


def iter_frames(path: str | os.PathLike, frames: str | None = None) -> Iterator[Frame]:
    """Return an iterator over the checked frames of ``path`` that ``frames`` selects (ASE index syntax).

    Every selected frame gives one :class:`Frame`; a missing or unreadable file, or a
    selection that picks no frame, gives one error Frame of index None.

    Raises
    ------
    ValueError
        At once, if ``frames`` is not a frame selection (:func:`parse_frame_selection`).
    """
    return _checked_frames(os.fspath(path), frames, parse_frame_selection(frames))


def _checked_frames(path: str, frames: str | None, selection: slice | int) -> Iterator[Frame]:
    """Yield one checked Frame per selected frame of ``path`` (see :func:`iter_frames`)."""
    if not os.path.exists(path):
        yield Frame(path, None, None, f"{path}: no such file; check the name and the directory")
        return
    if os.path.isdir(path):
        yield Frame(path, None, None, f"{path}: a directory, not a structure file; name the files in it")
        return
    if os.path.getsize(path) == 0:
        yield Frame(path, None, None, f"{path}: an empty file; check that it is the file you meant")
        return
    found = False
    for index, read in _selected(_indexed_frames(path), selection, partial(_count_frames, path)):
        found = True
        try:
            atoms = check_cluster(read())
        except InputProblem as problem:
            where = path if index is None else f"{path}: frame {index}"
            yield Frame(path, index, None, f"{where}: {problem}")
        else:
            yield Frame(path, index, atoms, None)
    if not found:
        if frames is None:
            problem = "holds no structure; check that it is the file you meant"
        else:
            count = _count_frames(path)
            problem = (f"--frames {frames} selects none of its {count} frame{'' if count == 1 else 's'}; "
                       "frames are numbered from 0")
        yield Frame(path, None, None, f"{path}: {problem}")


def _count_frames(path: str) -> int:
    """Return the number of frames in ``path`` (up to where reading stops), keeping none of them."""
    return sum(1 for index, _ in _indexed_frames(path) if index is not None)


def _indexed_frames(path: str) -> Iterator[tuple[int | None, Callable[[], Atoms]]]:
    """Yield ``(index, read)`` per frame of ``path``: ``read()`` returns its Atoms or raises InputProblem.

    An index of None means the whole file failed (and is the only item).
    """
    try:
        file_format = filetype(path)
    except Exception as error:  # ASE raises several types for files it cannot place
        yield None, partial(_fail, f"not a structure file ASE can read ({_one_line(error)}); "
                            "convert it to extended XYZ or give it its format's usual name (.xyz, .cif, POSCAR)")
        return
    if file_format in XYZ_FORMATS:
        yield from _xyz_frames(path)
    else:
        yield from _ase_frames(path, file_format)


def _fail(problem: str):
    """Raise InputProblem(problem): the ``read`` of a frame that cannot be read."""
    raise InputProblem(problem)


def _ase_frames(path: str, file_format: str) -> Iterator[tuple[int | None, Callable[[], Atoms]]]:
    """Yield ``(index, read)`` per frame ASE reads from ``path``; an exception ends the file."""
    frames = ase.io.iread(path, index=slice(None), format=file_format, do_not_split_by_at_sign=True)
    index = 0
    while True:
        try:
            atoms = next(frames)
        except StopIteration:
            return
        except Exception as error:  # ASE readers raise many types for broken files
            if index == 0:
                yield None, partial(_fail, f"not readable as {file_format} ({_one_line(error)}); "
                                    "check the file, or convert it to extended XYZ")
            else:
                yield index, partial(_fail, f"reading stopped here ({_one_line(error)}); "
                                     "the frames before it were read, fix the file from this frame on")
            return
        yield index, partial(_same, atoms)
        index += 1


def _same(atoms: Atoms) -> Atoms:
    """Return ``atoms``: the ``read`` of a frame ASE has already read."""
    return atoms


class _Lines:
    """The lines of a text file, counted, with lines put back when a frame turns out short."""

    def __init__(self, handle):
        self._handle = handle
        self._back: deque[str] = deque()
        self.number = 0  # of the last line taken, counting from 1

    def take(self, count: int) -> list[str]:
        """Return the next ``count`` lines (fewer at the end of the file)."""
        lines = [self._back.popleft() for _ in range(min(count, len(self._back)))]
        if len(lines) < count:
            lines += islice(self._handle, count - len(lines))
        self.number += len(lines)
        return lines

    def put_back(self, lines: list[str]) -> None:
        """Make ``lines`` the next lines taken."""
        self._back.extendleft(reversed(lines))
        self.number -= len(lines)


def _atom_count(line: str) -> int | None:
    """Return the integer on an atom-count line, None if ``line`` is not one."""
    stripped = line.strip()
    return int(stripped) if stripped.isdecimal() else None


def _xyz_frames(path: str) -> Iterator[tuple[int | None, Callable[[], Atoms]]]:
    """Yield ``(index, read)`` per frame of an (extended) XYZ file, resynchronising after bad frames."""
    with open_with_compression(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", errors="replace") as handle:
        lines = _Lines(handle)
        index = 0
        pending: list[str] = []  # the atom-count line of the next frame, when already read
        while True:
            header = pending or _next_nonblank(lines)
            pending = []
            if not header:
                return
            first = lines.number
            count = _atom_count(header[0])
            if count is None:  # only at the start: after a frame, non-count lines are skipped below
                yield None, partial(_fail, f"line {first} should hold the number of atoms (XYZ format) but reads "
                                    f"{_quote(header[0])}; check the file, or give it its real format's extension")
                return
            body = lines.take(count + 1)  # the comment line, then the atoms
            text = "".join(body)
            short = _COUNT_LINE.search(text, len(body[0]) - 1) if body else None
            if short:
                next_frame = text.count("\n", 0, short.start() + 1)  # the index in body of its atom-count line
                lines.put_back(body[next_frame:])
                problem = (f"only {next_frame - 1} of its {count} atoms before line {first + 1 + next_frame} starts "
                           "the next frame; fix or delete this frame")
            elif len(body) < count + 1:
                problem = f"the file ends after {max(len(body) - 1, 0)} of its {count} atoms; fix or delete this frame"
            else:
                vectors, stray, pending = _after_frame(lines)
                problem = None
                if stray:
                    problem = (f"{stray[0]} line(s) after its {count} atoms are no frame (lines {stray[1]}-"
                               f"{stray[2]}); check its atom count, fix or delete the lines")
            if problem:
                yield index, partial(_fail, problem)
            else:
                yield index, partial(_parse_xyz_frame, body + vectors, count, len(vectors), first)
            index += 1


def _next_nonblank(lines: _Lines) -> list[str]:
    """Return ``[the next non-blank line]``, or ``[]`` at the end of the file."""
    while line := lines.take(1):
        if line[0].strip():
            return line
    return []


def _after_frame(lines: _Lines) -> tuple[list[str], tuple[int, int, int] | None, list[str]]:
    """Read past a frame's atoms: return its ``VEC`` lines, the stray lines (count, first, last) or None,
    and the next frame's atom-count line (``[]`` at the end of the file)."""
    vectors, stray = [], None
    while line := _next_nonblank(lines):
        if _atom_count(line[0]) is not None:
            return vectors, stray, line
        if stray is None and line[0].lstrip().startswith("VEC"):
            vectors += line
        else:
            stray = (1, lines.number, lines.number) if stray is None else (stray[0] + 1, stray[1], lines.number)
    return vectors, stray, []


def _parse_xyz_frame(lines: list[str], count: int, n_vectors: int, first_line: int) -> Atoms:
    """Return the Atoms of one (extended) XYZ frame: its comment, ``count`` atom and ``n_vectors`` VEC lines.

    ``first_line`` is the line number of its atom-count line, for messages. The parser is the
    one ASE's reader calls per frame (private): ASE's public ``read_xyz`` would first scan
    the frame again, which costs a fifth of the parsing.
    """
    try:
        return _read_xyz_frame(iter(lines), count, nvec=n_vectors)
    except Exception as error:  # ASE's XYZ parser raises several types
        raise InputProblem(f"lines {first_line}-{first_line + len(lines)} are not an XYZ frame ({_one_line(error)}); "
                           "fix or delete this frame") from None


def _one_line(error: Exception) -> str:
    """Return ``error`` as ``Type: message`` on one line, cut to a readable length."""
    return f"{type(error).__name__}: {_quote(str(error), quotes=False)}"


def _quote(text: str, quotes: bool = True) -> str:
    """Return ``text`` on one line, cut to MESSAGE_QUOTE_CHARS, in quotes if ``quotes``."""
    flat = " ".join(text.split())
    if len(flat) > MESSAGE_QUOTE_CHARS:
        flat = flat[: MESSAGE_QUOTE_CHARS - 3] + "..."
    return repr(flat) if quotes else flat


# ---------------------------------------------------------------------------- checks


def check_cluster(atoms: Atoms) -> Atoms:
    """Return ``atoms`` as one finite cluster, without cell: unwrapped if periodic, else as given.

    Raises
    ------
    InputProblem
        For fewer than 2 atoms, NaN or infinite coordinates, overlapping atoms (closer than
        OVERLAP_ANGSTROM), several separate clusters, or a periodic cell that does not hold one
        cluster with vacuum around it (see the module docstring).
    """
    if not np.isfinite(atoms.positions).all():
        broken = np.flatnonzero(~np.isfinite(atoms.positions).all(axis=1))
        raise InputProblem(f"{_atoms(broken.size)} with NaN or infinite coordinates (first: atom {broken[0]}); "
                           "fix the coordinates")
    if atoms.pbc.any() and len(atoms):
        atoms = _cluster_in_cell(atoms)  # before counting atoms: one atom in a small periodic cell is bulk
    elif atoms.cell.array.any():
        atoms = atoms.copy()
        atoms.cell = np.zeros((3, 3))
    _require_two_atoms(len(atoms))
    neighbours = _Neighbours(atoms.positions)
    nearest, partner = neighbours.nearest()
    _require_no_overlap(nearest, partner)
    cutoff = _cutoff_angstrom(nearest)
    labels = neighbours.labels(cutoff)
    if labels.max() > 0:
        raise InputProblem(_separate_clusters(atoms.positions, labels, cutoff))
    return atoms


def _require_two_atoms(count: int) -> None:
    """Raise InputProblem if ``count`` atoms are too few for a nanoparticle."""
    if count < 2:
        raise InputProblem(
            f"only {_atoms(count)} (a nanoparticle has at least 2); check that the frame holds the whole cluster"
        )


def _atoms(count: int) -> str:
    """Return ``1 atom``, ``2 atoms``, ..."""
    return f"{count} atom" if count == 1 else f"{count} atoms"


def _require_no_overlap(nearest: np.ndarray, partner: np.ndarray) -> None:
    """Raise InputProblem if an atom's nearest neighbour is closer than OVERLAP_ANGSTROM."""
    atom = int(np.argmin(nearest))
    if nearest[atom] < OVERLAP_ANGSTROM:
        raise InputProblem(f"atoms {atom} and {partner[atom]} overlap ({nearest[atom]:.3f} Å apart, less than "
                           f"{OVERLAP_ANGSTROM} Å); remove duplicated atoms or fix the coordinates")


def _separate_clusters(positions: np.ndarray, labels: np.ndarray, cutoff: float) -> str:
    """Return the message for atoms that fall into several bonded groups (labels 0 = the largest)."""
    sizes = np.bincount(labels)
    largest = labels == 0
    gap = cKDTree(positions[largest]).query(positions[~largest])[0].min()
    return (f"{_count_groups(sizes)} (no other atom within {gap:.2f} Å of the largest; bonds reach {cutoff:.2f} Å); "
            "split the file or classify each cluster separately")


def _count_groups(sizes: np.ndarray) -> str:
    """Return e.g. ``2 separate clusters of 55 and 13 atoms`` for group ``sizes``, largest first."""
    if len(sizes) > 5:
        return f"{len(sizes)} separate clusters of {', '.join(map(str, sizes[:5]))}, ... atoms"
    return f"{len(sizes)} separate clusters of {', '.join(map(str, sizes[:-1]))} and {sizes[-1]} atoms"


class _Neighbours:
    """Nearest neighbours and bonded groups of a cluster's atoms (positions: ndarray (n_atoms, 3), Å).

    Up to DENSE_MAX_ATOMS atoms from all pair distances (a 147-atom cluster's 21,609 take
    20 µs, a quarter of a k-d tree's queries), beyond from a k-d tree.
    """

    def __init__(self, positions: np.ndarray):
        self._positions = positions
        self._dense = len(positions) <= DENSE_MAX_ATOMS
        if self._dense:
            self._squared = cdist(positions, positions, "sqeuclidean")
            np.fill_diagonal(self._squared, np.inf)
        else:
            self._tree = cKDTree(positions)

    def nearest(self) -> tuple[np.ndarray, np.ndarray]:
        """Return each atom's nearest-neighbour distance (Å) and that neighbour's index."""
        if self._dense:
            partner = self._squared.argmin(axis=1)
            return np.sqrt(self._squared[np.arange(len(partner)), partner]), partner
        distances, indices = self._tree.query(self._positions, k=2)
        itself = indices[:, 1] == np.arange(len(indices))  # a duplicated atom may come second after its twin
        return distances[:, 1], np.where(itself, indices[:, 0], indices[:, 1])

    def labels(self, cutoff: float) -> np.ndarray:
        """Return each atom's group: atoms joined by bonds (at most ``cutoff`` Å) share one.

        Groups are numbered by size, largest first, ties by their first atom.
        """
        if self._dense:
            labels = _dense_labels(self._squared <= cutoff**2)
        else:
            pairs = self._tree.query_pairs(cutoff, output_type="ndarray")
            labels = _sparse_labels(len(self._positions), pairs[:, 0], pairs[:, 1])
        if not labels.any():
            return labels
        rank = np.empty_like(labels)
        rank[np.argsort(-np.bincount(labels), kind="stable")] = np.arange(labels.max() + 1)
        return rank[labels]


def _dense_labels(bonded: np.ndarray) -> np.ndarray:
    """Return the connected components of a boolean adjacency matrix, numbered by first atom.

    A breadth-first search by matrix-vector products (one per bond of the longest shortest
    path from the start): for a few hundred atoms, cheaper than building a sparse graph.
    """
    steps = bonded.astype(np.float32)
    np.fill_diagonal(steps, 1)  # a step may stay put, so a product holds all the atoms reached so far
    labels = np.full(len(bonded), -1)
    group = 0
    while (unlabelled := np.flatnonzero(labels < 0)).size:
        reached = np.zeros(len(bonded), dtype=np.float32)
        reached[unlabelled[0]] = 1
        count, previous = 1, 0
        while count > previous:
            reached = np.sign(steps @ reached)
            count, previous = np.count_nonzero(reached), count
        labels[reached > 0] = group
        group += 1
    return labels


def _sparse_labels(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Return the connected components of ``count`` atoms bonded in pairs, numbered by first atom."""
    graph = coo_matrix((np.ones(len(first), dtype=np.int32), (first, second)), shape=(count, count))
    return connected_components(graph, directed=False)[1]


def _cutoff_angstrom(nearest: np.ndarray) -> float:
    """Return the bond cutoff (Å) for atoms with these nearest-neighbour distances (module docstring)."""
    middle = (len(nearest) - 1) // 2
    return float(min(BOND_CUTOFF_FACTOR * np.partition(nearest, middle)[middle], MAX_BOND_ANGSTROM))


def bond_cutoff_angstrom(positions: np.ndarray, cell: np.ndarray | None = None, pbc=(False, False, False)) -> float:
    """Return the distance (Å) up to which two atoms are bonded (BOND_CUTOFF_FACTOR median nearest neighbours).

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å, n_atoms >= 2 (or >= 1 with a periodic cell)
    cell : ndarray of shape (3, 3), Å, rows the cell vectors; with ``pbc``, periodic images
        count as neighbours
    pbc : three booleans, the periodic cell directions
    """
    if np.any(pbc):
        return _cutoff_angstrom(_periodic_nearest(positions, _periodic_cell(np.asarray(cell), np.asarray(pbc)), pbc)[0])
    return _cutoff_angstrom(_Neighbours(np.asarray(positions, dtype=float)).nearest()[0])


def connected_groups(positions: np.ndarray, cutoff: float) -> list[np.ndarray]:
    """Return the atom indices of each group of atoms joined by bonds of at most ``cutoff`` Å, largest first.

    ``positions``: ndarray of shape (n_atoms, 3), Å.
    """
    labels = _Neighbours(np.asarray(positions, dtype=float)).labels(cutoff)
    return [np.flatnonzero(labels == group) for group in range(labels.max() + 1)]


# ---------------------------------------------------------------------------- periodic cells


def _cluster_in_cell(atoms: Atoms) -> Atoms:
    """Return the one finite cluster a periodic cell holds, centred, without cell; raise InputProblem if none."""
    cell = _periodic_cell(atoms.cell.array, atoms.pbc)
    fractional, spacing = _fractional(atoms.positions, cell)
    thinnest = int(np.argmin(np.where(atoms.pbc, spacing, np.inf)))
    if spacing[thinnest] < OVERLAP_ANGSTROM:  # would also make the neighbour search list millions of images
        raise InputProblem(f"the cell is only {spacing[thinnest]:.3f} Å thick along cell vector {thinnest + 1}, so "
                           "every atom overlaps its own periodic images; fix the cell")
    low, high = fractional.min(axis=0), fractional.max(axis=0)
    if _vacuum_gap(high - low, spacing, atoms.pbc)[0] >= MIN_VACUUM_ANGSTROM:
        return _centred(atoms, fractional, low, high, cell)  # no bond can cross a boundary: the atoms are whole
    nearest, partner = _periodic_nearest(atoms.positions, cell, atoms.pbc)
    _require_no_overlap(nearest, partner)
    return unwrap_periodic_cluster(atoms, _cutoff_angstrom(nearest))


def unwrap_periodic_cluster(atoms: Atoms, cutoff: float, min_vacuum_angstrom: float = MIN_VACUUM_ANGSTROM) -> Atoms:
    """Return the finite cluster in a periodic cell made whole across the cell boundaries, centred, without cell.

    Atoms are bonded up to ``cutoff`` Å, images included. The bond graph is walked from one
    atom, giving each atom the image shift that keeps its bonds whole; the unwrapped cluster
    is centred in the cell along its periodic directions. ``min_vacuum_angstrom`` should be
    at least ``cutoff``, so that no image is within bonding reach.

    Raises
    ------
    InputProblem
        If atoms bond to their own images (a wire, slab or bulk), if the cell holds several
        separate clusters, or if the vacuum between the cluster and its images is thinner than
        ``min_vacuum_angstrom`` along some periodic cell vector.
    """
    pbc = atoms.pbc
    cell = _periodic_cell(atoms.cell.array, pbc)
    first, second, crossings = primitive_neighbor_list("ijS", pbc, cell, atoms.positions, cutoff)
    count = len(atoms)
    graph = coo_matrix((np.ones(len(first), dtype=np.int32), (first, second)), shape=(count, count)).tocsr()
    n_groups, labels = connected_components(graph, directed=False)
    crossing = {(i, j): shift for i, j, shift in zip(first.tolist(), second.tolist(), crossings)}
    shifts = np.zeros((count, 3), dtype=int)
    for root in np.unique(labels, return_index=True)[1]:
        order, predecessors = breadth_first_order(graph, root, directed=False)
        for atom in order[1:]:
            before = predecessors[atom]
            shifts[atom] = shifts[before] + crossing[int(before), int(atom)]
    loops = shifts[first] + crossings - shifts[second]  # nonzero: a bonded path from an atom to its own image
    looped = loops.any(axis=1)
    dimension = max(
        (np.linalg.matrix_rank(loops[looped & (labels[first] == group)]) for group in np.unique(labels[first[looped]])),
        default=0,
    )
    if dimension:
        raise InputProblem(
            f"periodic structure ({PERIODIC_KINDS[dimension]}: atoms bond to their own images along {dimension} cell "
            f"direction{'s' if dimension > 1 else ''}); npshape classifies finite clusters: cut a cluster out or give "
            "a box with vacuum"
        )
    if n_groups > 1:
        raise InputProblem(
            f"{_count_groups(np.sort(np.bincount(labels))[::-1])} in the periodic cell (bonded across no cell "
            f"boundary; bonds reach {cutoff:.2f} Å); split the file or classify each cluster separately"
        )
    fractional, spacing = _fractional(atoms.positions, cell)
    fractional += shifts
    low, high = fractional.min(axis=0), fractional.max(axis=0)
    gap, vector = _vacuum_gap(high - low, spacing, pbc)
    if gap < min_vacuum_angstrom:
        raise InputProblem(
            f"{gap:.1f} Å of vacuum between the cluster and its periodic image along cell vector {vector + 1}, less "
            f"than the {min_vacuum_angstrom:g} Å that tell a cluster from a periodic structure; give the cell more "
            "vacuum (DFT boxes usually leave 10 Å)"
        )
    return _centred(atoms, fractional, low, high, cell)


def _periodic_cell(cell: np.ndarray, pbc: np.ndarray) -> np.ndarray:
    """Return ``cell`` (rows, Å) with its non-periodic vectors replaced by unit vectors normal to the periodic ones.

    Fractional coordinates along the periodic vectors then measure distances between the
    planes the images lie on, whatever the file put in the non-periodic rows (often zeros).

    Raises
    ------
    InputProblem
        If the periodic vectors are zero or (nearly) linearly dependent.
    """
    periodic = cell[pbc]
    if not np.isfinite(periodic).all():
        raise InputProblem(f"the cell holds NaN or infinite values (cell {cell.tolist()}); fix the cell")
    squared_lengths = np.einsum("ij,ij->i", periodic, periodic)
    # the Gram determinant over the product of squared lengths: 1 for orthogonal vectors, 0 for dependent ones
    if squared_lengths.min() == 0 or np.linalg.det(periodic @ periodic.T) < PARALLEL_TOLERANCE * squared_lengths.prod():
        raise InputProblem(f"the periodic cell vectors {(np.flatnonzero(pbc) + 1).tolist()} are zero or linearly "
                           f"dependent (cell {np.round(cell, 3).tolist()}); fix the cell, or set pbc false where the "
                           "structure is not periodic")
    if pbc.all():
        return cell.astype(float)
    full = cell.astype(float)
    full[~pbc] = np.linalg.qr(periodic.T, mode="complete")[0][:, len(periodic):].T
    return full


def _fractional(positions: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the fractional coordinates of ``positions`` in ``cell`` (rows, Å), and the cell's plane spacings (Å).

    The spacing of vector k is the distance between the lattice planes it crosses,
    1 / |b_k| with b_k the k-th reciprocal vector (without 2 pi).
    """
    inverse = np.linalg.inv(cell)  # its columns are the reciprocal vectors
    return positions @ inverse, 1 / np.linalg.norm(inverse, axis=0)


def _periodic_nearest(positions: np.ndarray, cell: np.ndarray, pbc) -> tuple[np.ndarray, np.ndarray]:
    """Return each atom's nearest-neighbour distance (Å), images included, and that neighbour's index.

    Atoms with no neighbour within MAX_BOND_ANGSTROM get an infinite distance (themselves as
    neighbour): they are bonded to nothing whatever the cutoff.
    """
    first, second, distances = primitive_neighbor_list("ijd", pbc, cell, positions, MAX_BOND_ANGSTROM)
    order = np.lexsort((distances, first))  # by atom, nearest first
    nearest, partner = np.full(len(positions), np.inf), np.arange(len(positions))
    atoms, starts = np.unique(first[order], return_index=True)
    nearest[atoms], partner[atoms] = distances[order][starts], second[order][starts]
    return nearest, partner


def _vacuum_gap(span: np.ndarray, spacing: np.ndarray, pbc) -> tuple[float, int]:
    """Return the thinnest vacuum layer (Å) between atoms and their images, and its cell vector (0-based).

    Along periodic vector k the images lie one plane spacing h_k apart and the atoms span a
    fraction w_k (``span``, in fractional coordinates) of it, so a layer (1 - w_k) h_k thick
    is empty: no image comes closer than the thinnest such layer.
    """
    layers = (1 - span) * spacing
    layers[~np.asarray(pbc)] = np.inf
    vector = int(np.argmin(layers))
    return float(layers[vector]), vector


def _centred(atoms: Atoms, fractional: np.ndarray, low: np.ndarray, high: np.ndarray, cell: np.ndarray) -> Atoms:
    """Return a copy of ``atoms`` at ``fractional`` coordinates of ``cell`` (spanning ``low`` to ``high``),
    centred along its periodic vectors, without cell."""
    offset = np.where(atoms.pbc, 0.5 - (low + high) / 2, 0)
    cluster = atoms.copy()
    cluster.positions = (fractional + offset) @ cell
    cluster.cell = np.zeros((3, 3))
    cluster.pbc = False
    return cluster
