"""R_NN1: the position of the first peak of g(r), which sets the scale r̃ = r / R_NN1.

Both RDF implementations (``direct`` and ``fast``) call the same peak finder, so they agree
on the scale of every structure.
"""

import numpy as np
from scipy.ndimage import gaussian_filter1d

from npshape.descriptors.rdf.compiled import numba_on_first_call
from npshape.descriptors.rdf.grid import SIGMA_ANGSTROM

# The first peak is the first local maximum of g reaching FIRST_PEAK_MIN_FRACTION of the
# largest value of g up to FIRST_PEAK_SEARCH_FACTOR × (shortest distance) (see first_peak
# for structures with no maximum there): a bump made by
# a few anomalously short pairs (an adatom, a distorted vertex) is passed over. The
# reference is the maximum near the first shells, not the global maximum, because the
# global maximum of this unnormalised profile grows with size faster than the first peak
# (2.7 times it for the 561-atom icosahedron, 5.2 times for a 1688-atom fcc cube: about as
# n^(1/3)), so a fixed fraction of it would eventually pass over the nearest-neighbour peak.
FIRST_PEAK_MIN_FRACTION = 0.1
FIRST_PEAK_SEARCH_FACTOR = 1.5
# exp(-8.5²/2) = 2e-16: pairs further than this from a point add nothing at float64 precision
GAUSSIAN_REACH_SIGMAS = 8.5
_PEAK_BINS_PER_SIGMA = 4  # resolution of the histogram that brackets the first peak
_PEAK_MAX_ITERATIONS = 50
_PEAK_TOLERANCE_SIGMAS = 1e-4  # Halley's method: a step this small leaves an error ~ step³
_PEAK_MARGIN_SIGMAS = 0.5  # how far the climb may go from the bracket on the pairs near it


def first_peak(distances, weights, sigma_angstrom=SIGMA_ANGSTROM, shortest=None):
    """Return the position (Å) and height of the first peak of g(r), for each structure.

    The height is that of h(r) = Σ_{i<j} w_ij exp(-(r - r_ij)² / 2σ²), which is g(r)
    times σ√(2π)/2. The first peak is the first local maximum of h reaching
    FIRST_PEAK_MIN_FRACTION of the largest value of h up to FIRST_PEAK_SEARCH_FACTOR ×
    (shortest distance), or, if h has no maximum there, up to FIRST_PEAK_SEARCH_FACTOR ×
    ``typical_bond`` (one stray short pair of a strongly disordered cluster, an MD snapshot
    of a bcc cube say, can end the first range before the first shell's maximum). That
    choice is made on a Gaussian-smoothed histogram (within
    ~1% of h); Halley's method on the exact pair sums then climbs to the maximum (to
    ~1e-12 Å). Each structure's result is independent of the others passed with it.

    Parameters
    ----------
    distances : ndarray of shape (n_pairs,) or (k, n_pairs), Å, distances of the pairs i < j
    weights : ndarray of shape (n_pairs,), or None for weights 1
    sigma_angstrom : float, Gaussian width σ (Å)
    shortest : ndarray of shape (k,), optional, each structure's shortest distance (Å), if
        the caller has it already

    Returns
    -------
    position, height : floats, or ndarrays of shape (k,) for 2-D ``distances``, float64
    """
    d = np.asarray(distances, dtype=float)
    one = d.ndim == 1
    d = np.atleast_2d(d)
    k, n_pairs = d.shape
    sigma = float(sigma_angstrom)
    reach = GAUSSIAN_REACH_SIGMAS * sigma

    # The search range ends at FIRST_PEAK_SEARCH_FACTOR × an anchor distance: the shortest
    # distance, or, for a structure whose g has no maximum in that range (one stray short
    # pair of a strongly disordered cluster cuts it below the first shell), the typical bond.
    shortest = d.min(axis=1) if shortest is None else np.asarray(shortest, dtype=float)
    anchor = shortest.copy()
    every_weight = np.ones(n_pairs) if weights is None else np.asarray(weights, dtype=float)
    rows, dist, w, start, found = _bracket(d, every_weight, shortest, anchor, sigma)
    if not found.all():
        missing = np.flatnonzero(~found)
        anchor[missing] = typical_bond(d[missing])
        rows, dist, w, start, found = _bracket(d, every_weight, shortest, anchor, sigma)
    if not found.all():
        bad = int(np.flatnonzero(~found)[0])
        raise ValueError(
            f"structure {bad}: g(r) has no peak up to {FIRST_PEAK_SEARCH_FACTOR} x the typical bond "
            f"({anchor[bad]:.3f} A), so its first-neighbour distance is undefined"
        )
    if weights is None:
        w = None  # the climb then skips its multiplications by 1

    # The climb needs exact sums only where it goes: first over the pairs within reach of
    # the bracket's margin (about half the candidates), then, for a structure that leaves the
    # margin (from a shoulder), over every candidate.
    top = FIRST_PEAK_SEARCH_FACTOR * anchor
    margin = _PEAK_MARGIN_SIGMAS * sigma
    near = np.flatnonzero(np.abs(dist - start[rows]) < reach + margin)
    w_near = None if w is None else w[near]
    low, high = start - margin, np.minimum(start + margin, top)
    position, height, left = _climb(start, rows[near], dist[near], w_near, sigma, low, high)
    if left.any():
        far = np.flatnonzero(left)
        again = np.flatnonzero(np.isin(rows, far))
        w_again = None if w is None else w[again]
        rows_again = np.searchsorted(far, rows[again])
        climbed = _climb(start[far], rows_again, dist[again], w_again, sigma, -np.inf, top[far])
        position[far], height[far], left = climbed
        if left.any():
            raise ValueError("first_peak: the first peak lies beyond the search range")
    return (position[0], height[0]) if one else (position, height)


def typical_bond(distances):
    """Return, for each row of pair distances (k, n_pairs), the n_atoms-th shortest: about the bond length.

    A cluster has at least n_atoms / 2 nearest-neighbour pairs and usually 3-6 times more, so
    this distance lies within its first shell, whatever a few stray pairs do.
    """
    n_pairs = distances.shape[1]
    n_atoms = int(round((1 + np.sqrt(1 + 8 * n_pairs)) / 2))
    return np.partition(distances, n_atoms - 1, axis=1)[:, n_atoms - 1]


def _bracket(d, every_weight, shortest, anchor, sigma):
    """Return the candidate pairs (rows, dist, w) up to the search range and where each structure's climb starts.

    The pairs that shape g up to the end of the search range (FIRST_PEAK_SEARCH_FACTOR ×
    ``anchor``), as flat arrays sorted by row, and the bracket: their histogram from
    ``shortest`` - 4σ, with each bin's centroid, smoothed by the Gaussian (cut at 4σ):
    K(x - c - e) ≈ K(x - c) - e K'(x - c) for a pair e off centre c. ``found`` is False for a
    structure whose profile has no maximum in the search range (its ``start`` is then meaningless).
    """
    k = d.shape[0]
    reach = GAUSSIAN_REACH_SIGMAS * sigma
    bin_width = sigma / _PEAK_BINS_PER_SIGMA
    origin = shortest - 4.0 * sigma
    n_bins = int(((FIRST_PEAK_SEARCH_FACTOR * anchor - shortest).max() + reach + 8.0 * sigma) / bin_width) + 2
    cutoff = FIRST_PEAK_SEARCH_FACTOR * anchor + reach
    shift = origin / bin_width + 0.5
    rows, dist, w, counts, offsets = _peak_candidates(d, every_weight, cutoff, shift, bin_width, n_bins)
    smooth = {"sigma": _PEAK_BINS_PER_SIGMA, "axis": 1, "output": float, "mode": "constant", "truncate": 4.0}
    profile = gaussian_filter1d(counts, **smooth) - gaussian_filter1d(offsets, order=1, **smooth)
    centres = origin[:, None] + (np.arange(n_bins) + 0.5) * bin_width
    searched = centres <= (FIRST_PEAK_SEARCH_FACTOR * anchor)[:, None]
    floor = FIRST_PEAK_MIN_FRACTION * np.where(searched, profile, 0.0).max(axis=1)
    mid = profile[:, 1:-1]
    is_peak = (mid >= profile[:, :-2]) & (mid > profile[:, 2:]) & (mid >= floor[:, None]) & searched[:, 1:-1]
    found = is_peak.any(axis=1)
    at = np.argmax(is_peak, axis=1) + 1
    below, top, above = (profile[np.arange(k), at + s] for s in (-1, 0, 1))
    curvature = np.minimum(below - 2.0 * top + above, -1e-300)  # < 0 at a strict maximum
    start = centres[np.arange(k), at] + 0.5 * (below - above) / curvature * bin_width
    return rows, dist, w, start, found


def _climb(start, rows, dist, w, sigma, low, high):
    """Return the local maximum of h each structure climbs to from ``start``, and its height.

    Halley's method on exact sums over the candidate pairs; off the concave cap of a peak
    (where the bracket fell on a shoulder) it walks uphill a quarter width per step. Each
    structure stops on its own, so its result does not depend on the others. The sums are
    exact only between ``low`` and ``high``: a structure whose step would leave that range
    stops before it, flagged.

    Parameters
    ----------
    start : ndarray of shape (k,), Å
    rows, dist : ndarrays of shape (n,): structure (sorted, each present) and distance (Å)
        of the candidate pairs, which must hold every pair within reach of ``low`` ... ``high``
    w : ndarray of shape (n,), or None for weights 1
    sigma : float, Å
    low, high : ndarrays of shape (k,) or floats, Å

    Returns
    -------
    position, height : ndarrays of shape (k,), float64
    left : ndarray of shape (k,), bool, the structures that would have left their range
    """
    k = start.size
    first = np.searchsorted(rows, np.arange(k))
    scaled = dist / sigma
    sums = np.empty((4, dist.size))
    position = start / sigma  # in units of σ from here on
    low, high = low / sigma, high / sigma
    height = np.empty(k)
    active = np.ones(k, dtype=bool)
    left = np.zeros(k, dtype=bool)
    for _ in range(_PEAK_MAX_ITERATIONS):
        # S_m = Σ w u^m exp(-u²/2), u = (position - r_ij) / σ, per structure, m = 0..3
        u = position[rows]
        u -= scaled
        np.multiply(u, u, out=sums[0])
        sums[0] *= -0.5
        np.exp(sums[0], out=sums[0])
        if w is not None:
            sums[0] *= w
        for m in range(1, 4):
            np.multiply(u, sums[m - 1], out=sums[m])
        s0, s1, s2, s3 = np.add.reduceat(sums, first, axis=1)
        # σ h' = -S1, σ² h'' = S2 - S0, σ³ h''' = 3 S1 - S3
        d1, d2, d3 = -s1, s2 - s0, 3.0 * s1 - s3
        denominator = 2.0 * d2 * d2 - d1 * d3
        halley = np.divide(-2.0 * d1 * d2, denominator, out=np.zeros(k), where=denominator > 0)
        t = np.where(d2 < 0, np.clip(halley, -0.25, 0.25), 0.25 * np.sign(d1))
        landing = position + t
        left |= active & ((landing < low) | (landing > high))
        active &= ~left
        # the height where the step lands, from the Taylor series of h: exact once steps are small
        height[active] = (s0 + t * (d1 + t * (d2 / 2 + t * d3 / 6)))[active]
        position[active] = landing[active]
        active &= np.abs(t) >= _PEAK_TOLERANCE_SIGMAS
        if not active.any():
            break
    else:
        raise ValueError("first_peak: Halley iterations did not converge")
    position *= sigma
    return position, height, left


@numba_on_first_call
def _peak_candidates(distances, weights, cutoff, shift, bin_width, n_bins):
    """Return the pairs below ``cutoff[row]`` of each row, and their histogram.

    Compiled: in numpy this is a selection, three gathers and two scatters over the batch.
    A pair at key = distance / bin_width - shift[row] counts in bin round(key), adding its
    weight to ``counts`` and weight × (key - round(key)) to ``offsets``.

    Returns
    -------
    rows, dist, w : ndarrays of shape (n,), the pairs' row (sorted), distance and weight
    counts, offsets : ndarrays of shape (k, n_bins), float64
    """
    k, n_pairs = distances.shape
    n = 0
    for row in range(k):
        for pair in range(n_pairs):
            n += distances[row, pair] < cutoff[row]
    rows = np.empty(n, np.int64)
    dist = np.empty(n)
    w = np.empty(n)
    counts = np.zeros((k, n_bins))
    offsets = np.zeros((k, n_bins))
    n = 0
    for row in range(k):
        for pair in range(n_pairs):
            r = distances[row, pair]
            if r < cutoff[row]:
                key = r / bin_width - shift[row]
                nearest = np.rint(key)
                at = int(nearest)
                if at < 0 or at >= n_bins:
                    raise ValueError("_peak_candidates: a pair lies outside the histogram")
                counts[row, at] += weights[pair]
                offsets[row, at] += (key - nearest) * weights[pair]
                rows[n], dist[n], w[n] = row, r, weights[pair]
                n += 1
    return rows, dist, w, counts, offsets


def first_peak_position(distances, weights, sigma_angstrom=SIGMA_ANGSTROM):
    """Return R_NN1 (Å), the position of the first peak of g(r); see ``first_peak``."""
    return first_peak(distances, weights, sigma_angstrom)[0]
