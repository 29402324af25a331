"""Radial distribution function descriptors g(r̃) and g'(r̃) (paper eqs. 2-3).

The profile of a structure with atomic numbers b_i is

    g(r) = Σ_i Σ_{j≠i} (b_i b_j / ⟨b⟩²) N(r - r_ij; σ),   N a normalised Gaussian, σ = 0.2 Å,

rescaled to r̃ = r / R_NN1, where R_NN1 is the position of its first peak, and divided
by its value there, so that g(r̃ = 1) = 1 and g'(1) = 0. σ stays 0.2 Å in r, so peaks
are σ̃ = σ / R_NN1 wide in r̃. g'(r̃) = dg/dr̃ is the analytic derivative of that same
normalised profile (a sum of Gaussian derivatives), not a finite difference.

Two implementations share one contract and one peak finder (``first_peak``):

- ``rdf_profiles_direct`` sums every pair's Gaussian on every grid point: the reference.
- ``rdf_profiles`` is the fast path. Each pair's weight goes to the nearest node of a
  lattice of step h = 2 × (fine grid step) in r̃, with the Taylor moments Σ w f^m
  (m = 0..4) of its offset f from that node; the moments are convolved with the Gaussian
  and its derivatives by FFT, using their analytic frequency response; the fine grid is
  read by band-limited interpolation and the coarse grid by decimation. Neglected terms
  are below TRUNCATION_BOUND of the local peak height, which ``rdf_profiles`` checks for
  every structure from its R_NN1 (``ValueError`` outside the exact range).
"""

from math import factorial, gcd, pi, sqrt

import numpy as np
from scipy.fft import next_fast_len
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.distance import pdist

SIGMA_ANGSTROM = 0.2  # paper: r-independent Gaussian width σ0
FINE_STEP = 0.002  # r̃ step up to FINE_MAX (paper)
FINE_MAX = 3.0
COARSE_STEP = 0.02  # r̃ step beyond FINE_MAX (paper)
# r̃ = 20 is 54 Å for Pt (R_NN1 = 2.7 Å) and 50 Å for R_NN1 = 2.5 Å: every pair of the
# largest challenge structures (561-atom icosahedron, 21 Å across; BCB helix and
# icosahedral rods, up to ~50 Å long) lies inside the profile with its Gaussian tails.
R_MAX_DEFAULT = 20.0

# The first peak is the first local maximum of g reaching FIRST_PEAK_MIN_FRACTION of the
# largest value of g up to FIRST_PEAK_SEARCH_FACTOR × (shortest distance): a bump made by
# a few anomalously short pairs (an adatom, a distorted vertex) is passed over. The
# reference is the maximum near the first shells, not the global maximum, because the
# global maximum of this unnormalised profile grows with size faster than the first peak
# (561-atom icosahedron: 5x the first peak), so a fixed fraction of it would eventually
# pass over the nearest-neighbour peak itself.
FIRST_PEAK_MIN_FRACTION = 0.1
FIRST_PEAK_SEARCH_FACTOR = 1.5
# exp(-8.5²/2) = 2e-16: pairs further than this from a point add nothing at float64 precision
GAUSSIAN_REACH_SIGMAS = 8.5
_PEAK_BINS_PER_SIGMA = 4  # resolution of the histogram that brackets the first peak
_PEAK_MAX_ITERATIONS = 50
_PEAK_TOLERANCE_SIGMAS = 1e-6  # Halley's method: a step this small leaves an error ~ step³
_PEAK_WANDER_SIGMAS = 2.0  # how far the refinement may move from the histogram's peak

# Fast path: Taylor moments of order 0..TAYLOR_ORDER on nodes DEPOSIT_STRIDE fine steps
# apart. The neglected terms (Taylor remainder; Gaussian spectrum beyond the decimated
# band) stay below TRUNCATION_BOUND of the local peak height for R_NN1 up to 3.98 Å on
# the paper's grid; FFT padding holds from FIRST_PEAK_MIN_ANGSTROM.
DEPOSIT_STRIDE = 2
TAYLOR_ORDER = 4
TRUNCATION_BOUND = 1e-8
FIRST_PEAK_MIN_ANGSTROM = 1.5
_BATCH_PAIRS = 1 << 17  # pairs per batch of structures: one FFT call for many, arrays in cache
_MAGIC_ROUND = 1.5 * 2.0**52  # x + M - M rounds x to an integer held in the mantissa of M
_MAGIC_BITS = np.array(_MAGIC_ROUND).view(np.int64)


def rdf_grid(fine_step=FINE_STEP, fine_max=FINE_MAX, coarse_step=COARSE_STEP, r_max=R_MAX_DEFAULT):
    """Return the r̃ values where g and g' are sampled: the paper's two-step grid.

    Points are ``fine_step, 2 fine_step, ..., fine_max`` then ``fine_max + coarse_step,
    ..., r_max``. The grid starts at the first step, not at 0, where g is always 0. Each
    value is an integer count times ``fine_step``, so the grid is the same everywhere.

    Parameters
    ----------
    fine_step, fine_max, coarse_step, r_max : float
        Steps and ends in r̃ (dimensionless); ``fine_max`` and ``coarse_step`` must be
        multiples of ``fine_step``, and ``r_max - fine_max`` a multiple of ``coarse_step``.

    Returns
    -------
    grid : ndarray of shape (n_grid,), float64
    """
    n_fine = _whole_ratio(fine_max, fine_step, "fine_max / fine_step")
    stride = _whole_ratio(coarse_step, fine_step, "coarse_step / fine_step")
    n_coarse = _whole_ratio(r_max - fine_max, coarse_step, "(r_max - fine_max) / coarse_step")
    if n_fine < 1 or stride < 1 or n_coarse < 0:
        raise ValueError("rdf_grid needs 0 < fine_step <= fine_max <= r_max and coarse_step >= fine_step")
    steps = np.concatenate([np.arange(1, n_fine + 1), n_fine + stride * np.arange(1, n_coarse + 1)])
    return steps * fine_step


def _whole_ratio(a, b, what):
    ratio = a / b
    whole = round(ratio)
    if abs(ratio - whole) > 1e-9 * max(1.0, abs(ratio)):
        raise ValueError(f"rdf_grid: {what} = {ratio} is not a whole number")
    return whole


def rdf_column_names(grid, prefix):
    """Return one column name per grid point, ``f"{prefix}_{r̃:.4f}"`` (e.g. ``rdf_1.0000``).

    Raises ``ValueError`` if two grid points share a name.
    """
    names = [f"{prefix}_{r:.4f}" for r in np.asarray(grid, dtype=float)]
    if len(set(names)) != len(names):
        raise ValueError(f"grid points closer than 1e-4 give duplicate {prefix} column names")
    return names


def pair_weights(numbers):
    """Return the weights b_i b_j / ⟨b⟩² of the pairs i < j, in ``pdist`` order.

    Parameters
    ----------
    numbers : array_like of shape (n_atoms,), atomic numbers

    Returns
    -------
    weights : ndarray of shape (n_atoms (n_atoms - 1) / 2,), float64, or None when all
        atoms are of one element (every weight is then exactly 1)
    """
    b = np.asarray(numbers, dtype=float)
    if b.ndim != 1 or b.size < 2 or not np.all(b > 0):
        raise ValueError("numbers must be a 1-D array of at least 2 positive atomic numbers")
    if np.all(b == b[0]):
        return None
    i, j = np.triu_indices(b.size, 1)
    return b[i] * b[j] / b.mean() ** 2


def first_peak(distances, weights, sigma_angstrom=SIGMA_ANGSTROM):
    """Return the position (Å) and height of the first peak of g(r), for each structure.

    The height is that of h(r) = Σ_{i<j} w_ij exp(-(r - r_ij)² / 2σ²), which is g(r)
    times σ√(2π)/2. The first peak is the first local maximum of h reaching
    FIRST_PEAK_MIN_FRACTION of the largest value of h up to FIRST_PEAK_SEARCH_FACTOR ×
    (shortest distance). A Gaussian-smoothed histogram brackets it; Halley's method on
    the exact pair sums then converges to it (to ~1e-12 Å). Each structure's result is
    independent of the others passed with it.

    Parameters
    ----------
    distances : ndarray of shape (n_pairs,) or (k, n_pairs), Å, distances of the pairs i < j
    weights : ndarray of shape (n_pairs,), or None for weights 1
    sigma_angstrom : float, Gaussian width σ (Å)

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

    # The pairs that shape g up to the end of the search range, as flat arrays.
    d_min = d.min(axis=1)
    chosen = np.flatnonzero(d < (FIRST_PEAK_SEARCH_FACTOR * d_min + reach)[:, None])
    rows = chosen // n_pairs
    dist = d.ravel()[chosen]
    w = None if weights is None else np.asarray(weights, dtype=float)[chosen % n_pairs]

    # Bracket: histogram from d_min - 4σ, smoothed by the Gaussian (cut at 4σ).
    bin_width = sigma / _PEAK_BINS_PER_SIGMA
    origin = d_min - 4.0 * sigma
    n_bins = int(((FIRST_PEAK_SEARCH_FACTOR - 1.0) * d_min.max() + reach + 8.0 * sigma) / bin_width) + 2
    key = (np.arange(k) * n_bins - origin / bin_width)[rows]
    key += dist / bin_width
    hist = np.bincount(key.astype(np.intp), w, minlength=k * n_bins).reshape(k, n_bins)
    profile = gaussian_filter1d(hist, _PEAK_BINS_PER_SIGMA, axis=1, mode="constant", truncate=4.0)
    centres = origin[:, None] + (np.arange(n_bins) + 0.5) * bin_width
    searched = centres <= (FIRST_PEAK_SEARCH_FACTOR * d_min)[:, None]
    floor = FIRST_PEAK_MIN_FRACTION * np.where(searched, profile, 0.0).max(axis=1)
    mid = profile[:, 1:-1]
    is_peak = (mid >= profile[:, :-2]) & (mid > profile[:, 2:]) & (mid >= floor[:, None]) & searched[:, 1:-1]
    found = is_peak.any(axis=1)
    if not found.all():
        bad = int(np.flatnonzero(~found)[0])
        raise ValueError(
            f"structure {bad}: g(r) has no peak up to {FIRST_PEAK_SEARCH_FACTOR} x the shortest "
            f"distance ({d_min[bad]:.3f} A), so its first-neighbour distance is undefined"
        )
    at = np.argmax(is_peak, axis=1) + 1
    below, top, above = (profile[np.arange(k), at + s] for s in (-1, 0, 1))
    curvature = np.minimum(below - 2.0 * top + above, -1e-300)  # < 0 at a strict maximum
    start = centres[np.arange(k), at] + 0.5 * (below - above) / curvature * bin_width

    # Refine on the pairs within reach of wherever the refinement may go.
    near = np.flatnonzero(np.abs(dist - start[rows]) < reach + _PEAK_WANDER_SIGMAS * sigma)
    rows, dist = rows[near], dist[near]
    w = None if w is None else w[near]
    position = start.copy()
    height = np.empty(k)
    active = np.ones(k, dtype=bool)
    for _ in range(_PEAK_MAX_ITERATIONS):
        s0, s1, s2, s3 = _gaussian_moment_sums(position, rows, dist, w, sigma, k)
        # σ h' = -S1, σ² h'' = S2 - S0, σ³ h''' = 3 S1 - S3
        d1, d2, d3 = -s1, s2 - s0, 3.0 * s1 - s3
        denominator = 2.0 * d2 * d2 - d1 * d3
        halley = np.divide(-2.0 * d1 * d2, denominator, out=np.zeros(k), where=denominator > 0)
        # off the concave cap of the peak, walk uphill a quarter width at a time
        step = np.where(d2 < 0, np.clip(halley, -0.25, 0.25), 0.25 * np.sign(d1)) * sigma
        height[active] = s0[active]
        position[active] += step[active]
        active &= np.abs(step) >= _PEAK_TOLERANCE_SIGMAS * sigma
        if not active.any():
            break
    else:
        raise ValueError("first_peak: Halley iterations did not converge")
    if np.any(np.abs(position - start) > _PEAK_WANDER_SIGMAS * sigma):
        raise ValueError("first_peak: the refined peak left the bracket of the smoothed histogram")
    return (position[0], height[0]) if one else (position, height)


def _gaussian_moment_sums(position, rows, dist, w, sigma, k):
    """Return S_m = Σ_pairs w u^m exp(-u²/2), u = (position - r_ij) / σ, per structure, m = 0..3."""
    u = position[rows]
    u -= dist
    u *= 1.0 / sigma
    e = u * u
    e *= -0.5
    np.exp(e, out=e)
    if w is not None:
        e *= w
    ue = u * e
    u2e = u * ue
    u *= u2e
    return tuple(np.bincount(rows, m, minlength=k) for m in (e, ue, u2e, u))


def first_peak_position(distances, weights, sigma_angstrom=SIGMA_ANGSTROM):
    """Return R_NN1 (Å), the position of the first peak of g(r); see ``first_peak``."""
    return first_peak(distances, weights, sigma_angstrom)[0]


def rdf_profiles_direct(positions, numbers, grid, sigma_angstrom=SIGMA_ANGSTROM):
    """Return g(r̃) and g'(r̃) by summing every pair's Gaussian on every grid point (reference).

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å
    numbers : array_like of shape (n_atoms,), atomic numbers
    grid : ndarray of shape (n_grid,), r̃ values (any)
    sigma_angstrom : float, Gaussian width σ in r (Å)

    Returns
    -------
    g, dg : ndarrays of shape (k, n_grid), or (n_grid,) for 2-D ``positions``, float64;
        g(1) = 1 and dg = dg/dr̃
    """
    x, one = _as_batch(positions, numbers)
    grid = np.asarray(grid, dtype=float)
    weights = pair_weights(numbers)
    w = np.ones(x.shape[1] * (x.shape[1] - 1) // 2) if weights is None else weights
    g = np.empty((x.shape[0], grid.size))
    dg = np.empty_like(g)
    block = max(1, (1 << 22) // w.size)  # grid points per (points, pairs) block: bounds memory
    for row, xyz in enumerate(x):
        d = pdist(xyz)
        r_nn1 = first_peak_position(d, weights, sigma_angstrom)
        r = d / r_nn1
        width = sigma_angstrom / r_nn1
        scale = np.exp(-0.5 * ((1.0 - r) / width) ** 2) @ w  # the profile at r̃ = 1
        for start in range(0, grid.size, block):
            z = (grid[start : start + block, None] - r) / width
            e = np.exp(-0.5 * z * z)
            g[row, start : start + block] = e @ w / scale
            dg[row, start : start + block] = (z * e) @ w / (-width * scale)
    return (g[0], dg[0]) if one else (g, dg)


def rdf_profiles(positions, numbers, grid, sigma_angstrom=SIGMA_ANGSTROM):
    """Return g(r̃) and g'(r̃) on ``grid``: the fast path, equal to ``rdf_profiles_direct``.

    Structures are processed in batches (one FFT call for many); each structure's result
    is independent of the others in the call.

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å
    numbers : array_like of shape (n_atoms,), atomic numbers
    grid : ndarray of shape (n_grid,), r̃ values, as made by ``rdf_grid``: a run of
        consecutive multiples of a step s, then multiples of a coarser step q·s
    sigma_angstrom : float, Gaussian width σ in r (Å)

    Returns
    -------
    g, dg : ndarrays of shape (k, n_grid), or (n_grid,) for 2-D ``positions``, float64;
        g(1) = 1 and dg = dg/dr̃

    Raises
    ------
    ValueError
        If a structure's R_NN1 is outside the range where the result is exact
        (1.5-3.98 Å on the paper's grid with σ = 0.2 Å), or the grid is not of that form.
    """
    x, one = _as_batch(positions, numbers)
    plan = _Plan(np.asarray(grid, dtype=float), float(sigma_angstrom))
    n_pairs = x.shape[1] * (x.shape[1] - 1) // 2
    batch = min(x.shape[0], max(1, _BATCH_PAIRS // n_pairs))
    # the bounding-box diagonal bounds every distance, hence the lattice nodes a row needs
    diameter = np.sqrt((np.ptp(x, axis=1) ** 2).sum(axis=1)).max()
    n_nodes = max(plan.n_nodes, int(diameter / (FIRST_PEAK_MIN_ANGSTROM * plan.node_step)) + 2)
    deposit = _Deposit(batch, pair_weights(numbers), n_pairs, n_nodes)
    g = np.empty((x.shape[0], plan.n_grid))
    dg = np.empty_like(g)
    for start in range(0, x.shape[0], batch):
        stop = min(start + batch, x.shape[0])
        d = deposit.distances[: stop - start]
        for row, xyz in zip(d, x[start:stop]):
            pdist(xyz, out=row)
        r_nn1, height = first_peak(d, deposit.weights, sigma_angstrom)
        tau = plan.check(r_nn1, start)
        moments = deposit(1.0 / (r_nn1 * plan.node_step))
        g[start:stop], dg[start:stop] = plan.profiles(moments, tau, height)
    return (g[0], dg[0]) if one else (g, dg)


def _as_batch(positions, numbers):
    """Return positions as an array of shape (k, n_atoms, 3) and whether one structure was given."""
    x = np.asarray(positions, dtype=float)
    one = x.ndim == 2
    x = x[None] if one else x
    if x.ndim != 3 or x.shape[2] != 3 or x.shape[1] < 2:
        raise ValueError(f"positions must have shape (k, n_atoms >= 2, 3) or (n_atoms, 3), got {np.shape(positions)}")
    if np.shape(numbers) != (x.shape[1],):
        raise ValueError(f"numbers must have shape ({x.shape[1]},), got {np.shape(numbers)}")
    if not np.isfinite(x).all():
        raise ValueError("positions must be finite")
    return x, one


class _Deposit:
    """Pair distances of a batch and their Taylor moments on the r̃ lattice.

    Holds the working arrays of one ``rdf_profiles`` call, reused from batch to batch
    (fresh large arrays cost page faults). Calling it with 1 / (R_NN1 h) per structure
    sends each pair to its nearest node b, at lattice coordinate u = r / (R_NN1 h) and
    offset f = u - b in [-1/2, 1/2], and returns Σ w f^m per node.
    """

    def __init__(self, batch, weights, n_pairs, n_nodes):
        self.weights, self.n_nodes = weights, n_nodes
        self.distances = np.empty((batch, n_pairs))
        self._u = np.empty((batch, n_pairs))
        self._node = np.empty((batch, n_pairs))
        self._index = np.empty((batch, n_pairs), dtype=np.int64)
        # moments 0, 1 and 2, 3 ride as real and imaginary parts of one complex scatter each,
        # which halves the scatter passes; M0 = w never changes
        self._low = np.empty((batch, n_pairs), dtype=complex)
        self._low.real = 1.0 if weights is None else weights
        self._high = np.empty((batch, n_pairs), dtype=complex)
        self._fourth = np.empty((batch, n_pairs))
        self._low_sum = np.empty(batch * n_nodes, dtype=complex)
        self._high_sum = np.empty(batch * n_nodes, dtype=complex)
        self._fourth_sum = np.empty(batch * n_nodes)

    def __call__(self, scale):
        """Return the moment sums of the pairs in ``distances[:k]``.

        Parameters
        ----------
        scale : ndarray of shape (k,), 1 / (R_NN1 h), 1/Å

        Returns
        -------
        low, high : ndarrays of shape (k, n_nodes), complex128: M0 + i M1 and M2 + i M3
        fourth : ndarray of shape (k, n_nodes), float64: M4
        """
        k = scale.size
        u = np.multiply(self.distances[:k], scale[:, None], out=self._u[:k])
        node = np.add(u, _MAGIC_ROUND, out=self._node[:k])
        first_index = np.arange(k, dtype=np.int64) * self.n_nodes
        index = np.subtract(node.view(np.int64), (_MAGIC_BITS - first_index)[:, None], out=self._index[:k])
        node -= _MAGIC_ROUND
        low, high = self._low[:k], self._high[:k]
        f = np.subtract(u, node, out=low.imag)
        np.multiply(f, f, out=high.real)
        np.multiply(high.real, f, out=high.imag)
        fourth = np.multiply(high.real, high.real, out=self._fourth[:k])
        if self.weights is not None:
            f *= self.weights
            high *= self.weights
            fourth *= self.weights
        sums = []
        for values, total in ((low, self._low_sum), (high, self._high_sum), (fourth, self._fourth_sum)):
            total = total[: k * self.n_nodes]
            total.fill(0.0)
            np.add.at(total, index.ravel(), values.ravel())
            sums.append(total.reshape(k, self.n_nodes))
        return tuple(sums)


class _Part:
    """One stretch of the grid read from one inverse FFT (see ``_Plan``)."""

    def __init__(self, n_input, n_fft, n_band, n_out, positions, shift):
        self.n_input, self.n_fft, self.n_out, self.positions = n_input, n_fft, n_out, positions
        # irfft over n_out points samples the lattice every n_fft / n_out nodes; its 1/n_out
        # must become 1/n_fft; the Gaussian's transform carries √(2π)
        self.factor = n_out / n_fft * sqrt(2.0 * pi)
        band = np.arange(n_band)
        self.mirror = -band % n_fft
        self.omega = 2.0 * pi * band / n_fft  # radians per node
        # A pair at b + f contributes K(y - b - f) = Σ_m (-f)^m / m! K^(m)(y - b), whose
        # transform puts (-iω)^m / m! on moment m. Moments 2j, 2j+1 share a complex DFT X,
        # their own DFTs being (X_k ± conj X_-k) / (2, 2i): hence the weights of X_k and
        # conj X_-k below; the last row weights the DFT of M4. ``shift`` moves the samples
        # to the part's sub-lattice offset.
        w = self.omega
        taylor = [(1 - w) / 2, (1 + w) / 2, (-w**2 / 2 + w**3 / 6) / 2, (-w**2 / 2 - w**3 / 6) / 2, w**4 / 24]
        self.coefficients = np.array(taylor) * np.exp(1j * w * shift)

    def profiles(self, moments, tau):
        """Return the profile and its derivative per node at ``positions``, shape (2, k, n_positions)."""
        low, high, fourth = (m[:, : self.n_input] for m in moments)
        band = self.omega.size
        low = np.fft.fft(low, n=self.n_fft, axis=-1)
        high = np.fft.fft(high, n=self.n_fft, axis=-1)
        fourth = np.fft.rfft(fourth, n=self.n_fft, axis=-1)[:, :band]
        c = self.coefficients
        spectrum = np.empty((2, tau.size, band), dtype=complex)
        profile = spectrum[0]
        np.multiply(c[0], low[:, :band], out=profile)
        profile += c[1] * np.conj(low[:, self.mirror])
        profile += c[2] * high[:, :band]
        profile += c[3] * np.conj(high[:, self.mirror])
        profile += c[4] * fourth
        profile *= tau[:, None] * np.exp(-0.5 * (tau[:, None] * self.omega) ** 2)
        np.multiply(profile, 1j * self.omega, out=spectrum[1])
        samples = np.fft.irfft(spectrum, n=self.n_out, axis=-1)
        return samples[:, :, self.positions] * self.factor


class _Plan:
    """FFT sizes and read-out positions of ``rdf_profiles`` for one grid and σ.

    The grid lies on a lattice j·s (s its smallest spacing). Its leading run of
    consecutive points (the fine part) comes from an inverse FFT upsampled to step s;
    the rest (the coarse part, on a sub-lattice o + q·m) from an inverse FFT decimated
    to step q·s. Moments sit on nodes h = DEPOSIT_STRIDE·s apart; the Gaussian is
    τ = σ̃ / h nodes wide, allowed between ``tau_min`` (accuracy) and ``tau_max`` (padding).
    """

    def __init__(self, grid, sigma):
        if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0) or grid[0] <= 0:
            raise ValueError("grid must be increasing, positive and have at least 2 points")
        step = np.diff(grid).min()
        index = np.rint(grid / step).astype(np.int64)
        if np.max(np.abs(grid / step - index)) > 1e-6:
            raise ValueError("rdf_profiles needs grid points on a lattice of their smallest spacing; use rdf_profiles_direct")
        p = DEPOSIT_STRIDE
        self.sigma, self.n_grid, self.node_step = sigma, grid.size, p * step
        n_fine = int(np.argmax(np.append(np.diff(index) != 1, True))) + 1
        fine, coarse = index[:n_fine], index[n_fine:]
        q = int(np.gcd.reduce(np.diff(index[n_fine - 1 :]))) if coarse.size else p

        # Narrowest kernel: the Taylor remainder for offsets up to half a node,
        # 1.09 (1/2τ)^5 / √5! (Cramér's bound on Hermite functions), and the Gaussian's
        # spectrum beyond the decimated band, exp(-(τ π p/q)² / 2), below TRUNCATION_BOUND.
        order = TAYLOR_ORDER + 1
        taylor_tau = 0.5 / (TRUNCATION_BOUND * sqrt(factorial(order)) / 1.09) ** (1.0 / order)
        alias_tau = sqrt(-2.0 * np.log(TRUNCATION_BOUND)) * q / (pi * p) if coarse.size else 0.0
        self.tau_min = max(taylor_tau, alias_tau)
        self.tau_max = sigma / (FIRST_PEAK_MIN_ANGSTROM * self.node_step)

        # Pad each FFT by the widest kernel's reach, so no read-out sees a wrapped-around
        # pair, and keep the fine part's band where the narrowest kernel's spectrum is above
        # 1e-18 (τω < 9.1).
        reach = int(np.ceil(GAUSSIAN_REACH_SIGMAS * self.tau_max)) + 1
        n_input = fine[-1] // p + reach + 1
        n_fft = next_fast_len(n_input + reach)
        n_band = min(n_fft // 2, int(9.1 * n_fft / (2 * pi * self.tau_min)) + 1)
        self.parts = [_Part(n_input, n_fft, n_band, p * n_fft, fine, 0.0)]
        self.n_nodes = n_input
        if coarse.size:
            offset = int(coarse[0] % q)
            # coarse read-outs lie past the fine part, where pairs wrapped round from the far
            # end of a shorter transform would land; n_fft·p/q must be whole
            n_input = int(index[-1] // p) + reach + 1
            unit = q // gcd(q, p)
            n_fft = unit * next_fast_len(-(-(n_input + max(0, reach - int(coarse[0] // p))) // unit))
            n_out = n_fft * p // q
            # the decimated band stops short of its Nyquist coefficient, which irfft takes as real
            self.parts.append(_Part(n_input, n_fft, n_out // 2, n_out, (coarse - offset) // q, offset / p))
            self.n_nodes = n_input

    def check(self, r_nn1, first_row):
        """Return σ̃ in lattice nodes, shape (k,); raise ValueError where the result would not be exact."""
        tau = self.sigma / (r_nn1 * self.node_step)
        bad = (tau < self.tau_min) | (tau > self.tau_max)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            low, high = (self.sigma / (t * self.node_step) for t in (self.tau_max, self.tau_min))
            raise ValueError(
                f"structure {first_row + row}: R_NN1 = {r_nn1[row]:.3f} A is outside {low:.2f}-{high:.2f} A, "
                "where rdf_profiles is exact on this grid; use rdf_profiles_direct"
            )
        return tau

    def profiles(self, moments, tau, height):
        """Return g and dg/dr̃ on the grid from the moment sums.

        Parameters
        ----------
        moments : (low, high, fourth) from ``_Deposit``, each of shape (k, n_nodes)
        tau : ndarray of shape (k,), σ̃ in lattice nodes
        height : ndarray of shape (k,), first-peak height in the units of the moments

        Returns
        -------
        g, dg : ndarrays of shape (k, n_grid), float64
        """
        samples = np.concatenate([part.profiles(moments, tau) for part in self.parts], axis=-1)
        samples /= height[:, None]
        samples[1] /= self.node_step
        return samples[0], samples[1]
