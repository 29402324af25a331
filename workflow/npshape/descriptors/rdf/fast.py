"""The fast RDF: the profiles of ``direct`` by Taylor moments on a lattice and FFTs.

Each pair goes to the nearest node of a fine lattice (step h = 2 × the grid's fine step, in
r̃) with the Taylor moments Σ w f^m, m = 0..4, of its offset f from the node. The moments are
re-expanded about the nodes of a coarse lattice (the grid's coarse step) to higher order,
then convolved with the Gaussian and its derivatives by FFT, using their analytic frequency
response: the coarse part of the grid is read on the lattice, the fine part by band-limited
interpolation. Each structure's FFTs are only as long as its own kernel width and pairs need
(structures with the same lengths share one call). Neglected terms stay below
TRUNCATION_BOUND of the local peak height; ``rdf_profiles`` checks this for every structure
from its R_NN1 (``ValueError`` outside the exact range).
"""

from math import comb, factorial, pi, sqrt

import numpy as np
from scipy.fft import irfft, next_fast_len, rfft
from scipy.spatial.distance import pdist

from npshape.descriptors.rdf.compiled import numba_on_first_call
from npshape.descriptors.rdf.grid import SIGMA_ANGSTROM
from npshape.descriptors.rdf.pairs import as_batch, pair_weights
from npshape.descriptors.rdf.peak import GAUSSIAN_REACH_SIGMAS, first_peak

# Fast path. Moments of order 0..TAYLOR_ORDER on fine nodes DEPOSIT_STRIDE grid steps
# apart; the neglected terms (Taylor remainders, Gaussian spectrum beyond the coarse
# lattice's band) stay below TRUNCATION_BOUND of the local peak height for R_NN1 up to
# 3.98 Å on the paper's grid. The coarse nodes kept hold every pair within reach of the
# grid for R_NN1 from FIRST_PEAK_MIN_ANGSTROM.
DEPOSIT_STRIDE = 2
TAYLOR_ORDER = 4
TRUNCATION_BOUND = 1e-8
FIRST_PEAK_MIN_ANGSTROM = 1.5
# Structures per batch: enough to share each numpy call of the peak search and the FFTs
# (the deposit works through a batch one structure at a time, in cache).
_BATCH_PAIRS = 1 << 19
_BATCH_STRUCTURES = 32
_HEAP_BLOCK_BYTES = 16 << 20  # larger than any working array of a batch, below glibc's 32 MB cap


def rdf_profiles(positions, numbers, grid, sigma_angstrom=SIGMA_ANGSTROM, r_nn1_out=None):
    """Return g(r̃) and g'(r̃) on ``grid``: the fast path, equal to ``rdf_profiles_direct``.

    Structures are processed in batches (one FFT call for many); each structure's result
    is independent of the others in the call.

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å
    numbers : array_like of shape (n_atoms,), atomic numbers
    grid : ndarray of shape (n_grid,), r̃ values as made by ``rdf_grid``: consecutive
        multiples of a fine step s, then multiples of a coarse step q s (q even)
    sigma_angstrom : float, Gaussian width σ in r (Å)
    r_nn1_out : ndarray of shape (k,), optional, receives each structure's R_NN1 (Å)

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
    x, one = as_batch(positions, numbers)
    grid = np.asarray(grid, dtype=float)
    plan = _Plan(grid, float(sigma_angstrom))
    # glibc's malloc gives blocks above its mmap threshold (128 kB at first) back to the
    # system when freed, so each batch's arrays would fault their pages in afresh (15-20% of
    # the time). Freeing one larger block raises that threshold for the process (glibc's
    # dynamic threshold); elsewhere this costs nothing.
    np.empty(_HEAP_BLOCK_BYTES // 8)
    n_pairs = x.shape[1] * (x.shape[1] - 1) // 2
    batch = min(x.shape[0], _BATCH_STRUCTURES, max(1, _BATCH_PAIRS // n_pairs))
    weights = pair_weights(numbers)
    deposit = _Deposit(plan, batch, weights, n_pairs)
    g = np.empty((x.shape[0], plan.n_grid))
    dg = np.empty_like(g)
    for start in range(0, x.shape[0], batch):
        stop = min(start + batch, x.shape[0])
        d = deposit.distances[: stop - start]
        for row, xyz in zip(d, x[start:stop]):
            pdist(xyz, out=row)
        shortest = d.min(axis=1)
        r_nn1, height = first_peak(d, weights, sigma_angstrom, shortest)
        if r_nn1_out is not None:
            r_nn1_out[start:stop] = r_nn1
        tau = plan.check(r_nn1, start)
        extent = d.max(axis=1) / r_nn1
        sums = deposit(1.0 / (r_nn1 * plan.fine_node), extent.max())
        plan.profiles(sums, tau, height, extent, g[start:stop], dg[start:stop])
        # Out of every pair's reach the direct sum is below 1e-16 and the FFTs leave round-off
        # of that size: make it 0, so that a model never reads (or scales up) noise there.
        reach = GAUSSIAN_REACH_SIGMAS * sigma_angstrom / r_nn1
        lows = np.searchsorted(grid, shortest / r_nn1 - reach).tolist()
        highs = np.searchsorted(grid, extent + reach, side="right").tolist()
        for low, high, g_row, dg_row in zip(lows, highs, g[start:stop], dg[start:stop]):
            g_row[:low], g_row[high:], dg_row[:low], dg_row[high:] = 0.0, 0.0, 0.0, 0.0
    return (g[0], dg[0]) if one else (g, dg)



class _Deposit:
    """Pair distances of a batch and their Taylor moments on the fine lattice.

    Holds the working arrays of one ``rdf_profiles`` call, reused from batch to batch
    (fresh large arrays cost page faults). A pair at fine-lattice coordinate
    u = r / (R_NN1 h) goes to its nearest node b, offset f = u - b in [-1/2, 1/2], and
    adds w f^m, m = 0..TAYLOR_ORDER, to that node (``_deposit_moments``). Nodes are stored
    grouped by coarse node: coarse node j holds fine nodes c j - c//2 ... c j - c//2 + c - 1,
    c = ``plan.fine_per_coarse``.
    """

    def __init__(self, plan, batch, weights, n_pairs):
        """``weights`` of the pairs as from ``pair_weights`` (None: all 1).

        Only the coarse nodes within reach of the grid are kept (``plan.n_coarse_nodes``):
        pairs beyond them add nothing to any read-out and are not deposited, so a short
        window (npshape's r̃ <= 2.5) costs what its pairs cost, not what the whole cluster's do.
        """
        self.plan = plan
        c = plan.fine_per_coarse
        self._coarse_nodes = plan.n_coarse_nodes
        self.distances = np.empty((batch, n_pairs))
        self._weights = np.ones(n_pairs) if weights is None else weights
        self._sums = np.empty((batch, self._coarse_nodes * c * (TAYLOR_ORDER + 1)))

    def __call__(self, scale, extent):
        """Return the moments of the pairs in ``distances[:k]``, summed per fine node.

        Parameters
        ----------
        scale : ndarray of shape (k,), 1 / (R_NN1 h), 1/Å
        extent : float, a bound on r / R_NN1 over the batch's pairs

        Returns
        -------
        sums : ndarray of shape (k, n_nodes, c (TAYLOR_ORDER + 1)), float64: per coarse node
            that can hold moments, M0 ... M_TAYLOR_ORDER of each of its fine nodes in turn
        """
        k, c = scale.size, self.plan.fine_per_coarse
        reached = min(self._coarse_nodes * c, int(extent / self.plan.fine_node) + _slack(c))
        used = -(-reached // c)
        _deposit_moments(self.distances[:k], scale, self._weights, c // 2, used * c, self._sums)
        return self._sums[:k, : used * c * (TAYLOR_ORDER + 1)].reshape(k, used, c * (TAYLOR_ORDER + 1))


class BondOutOfRange(ValueError):
    """A structure whose R_NN1 lies outside the range where ``rdf_profiles`` is exact on its grid."""

    def __init__(self, structure: int, r_nn1: float, low: float, high: float):
        self.structure, self.r_nn1, self.low, self.high = structure, r_nn1, low, high
        super().__init__(
            f"structure {structure}: R_NN1 = {r_nn1:.3f} A is outside {low:.2f}-{high:.2f} A, "
            "where rdf_profiles is exact on this grid; use rdf_profiles_direct"
        )


def _slack(c):
    """Return the fine nodes needed beyond int(u_max): a pair at u goes to node round(u) + c // 2."""
    return max(c, c // 2 + 2)


@numba_on_first_call
def _deposit_moments(distances, scale, weights, first_node, n_nodes, sums):
    """Write into ``sums[row, :n_nodes (TAYLOR_ORDER + 1)]`` the moments Σ w f^m of each row's pairs.

    A pair at u = distance × scale[row] goes to node round(u) + first_node, offset
    f = u - round(u); a pair beyond ``n_nodes`` is left out (the caller keeps every node within
    reach of the grid). One pass over the pairs, in their order, so the sums are reproducible;
    compiled, because numpy needs a dozen passes and three scatters for it.
    """
    n_moments = TAYLOR_ORDER + 1
    for row in range(distances.shape[0]):
        total = sums[row]
        total[: n_nodes * n_moments] = 0.0
        factor = scale[row]
        for pair in range(distances.shape[1]):
            u = distances[row, pair] * factor
            node = np.rint(u)
            f = u - node
            at = (int(node) + first_node) * n_moments
            if at >= n_nodes * n_moments:
                continue
            value = weights[pair]
            for m in range(n_moments):
                total[at + m] += value
                value *= f


class _Plan:
    """Lattices, FFT sizes and read-out positions of ``rdf_profiles`` for one grid and σ.

    The grid is j·s for consecutive j (the fine part), then multiples of q·s (the coarse
    part). Moments are deposited on fine nodes h = DEPOSIT_STRIDE·s apart and re-expanded
    about coarse nodes H = q·s apart. The Gaussian is τ = σ̃ / H coarse nodes wide,
    allowed between ``tau_min`` (accuracy) and ``tau_max`` (the coarse nodes kept).
    """

    def __init__(self, grid, sigma):
        if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0) or grid[0] <= 0:
            raise ValueError("grid must be increasing, positive and have at least 2 points")
        step = np.diff(grid).min()
        index = np.rint(grid / step).astype(np.int64)
        n_fine = int(np.argmax(np.append(np.diff(index) != 1, True))) + 1
        fine, coarse = index[:n_fine], index[n_fine:]
        p = DEPOSIT_STRIDE
        q = int(coarse[0] - fine[-1]) if coarse.size else p  # coarse step, in fine steps
        if np.max(np.abs(grid / step - index)) > 1e-6 or np.any(coarse % q) or np.any(np.diff(coarse) != q) or q % p:
            raise ValueError(
                "rdf_profiles needs a grid from rdf_grid whose coarse_step is an even multiple of "
                "fine_step and divides fine_max; use rdf_profiles_direct"
            )
        c = q // p
        self.sigma, self.n_grid, self.fine_node, self.coarse_node = sigma, grid.size, p * step, q * step
        self.fine_per_coarse = c

        # Narrowest kernel: the Taylor remainders, 1.09 (a/τ)^(L+1) / √(L+1)! (Cramér's bound
        # on Hermite functions) for offsets up to a = half a fine node, order L = TAYLOR_ORDER,
        # and the Gaussian's spectrum beyond the coarse lattice's band, exp(-(π τ)² / 2).
        self.tau_min = max(
            _taylor_width(0.5 / c, TAYLOR_ORDER), sqrt(-2.0 * np.log(TRUNCATION_BOUND)) / pi
        )
        self.tau_max = sigma / (FIRST_PEAK_MIN_ANGSTROM * self.coarse_node)
        # Re-expansion about coarse nodes (offsets up to half a coarse node, a little more
        # for even c): the lowest order that keeps its remainder within the bound.
        order = TAYLOR_ORDER
        while _taylor_width((c // 2 + 0.5) / c, order) > self.tau_min:
            order += 1
        self.order = order
        # Fine moment l at sub-node offset t/c (coarse nodes) adds C(m, l) (t/c)^(m-l) c^-l
        # to coarse moment m (its own offset f is f/c coarse nodes); moments above
        # TAYLOR_ORDER are the neglected fine remainder.
        t = (np.arange(c) - c // 2) / c
        expand = np.zeros((TAYLOR_ORDER + 1, c, order + 1))
        for m in range(order + 1):
            for low in range(min(m, TAYLOR_ORDER) + 1):
                expand[low, :, m] = comb(m, low) * t ** (m - low) / c**low
        # columns in the memory order of the sums: sub-node, then moment
        self._expand = expand.transpose(1, 0, 2).reshape(c * (TAYLOR_ORDER + 1), order + 1).T.copy()

        # The fine part is interpolated to step s, i.e. q samples per coarse node. Each
        # structure's FFTs are as long as its own kernel (and pairs, for the coarse part) need;
        # nodes further than the widest kernel's reach from the grid reach no read-out.
        self.fine = _Part(fine, slice(0, n_fine), order, self.coarse_node, q)
        self.coarse = _Part(coarse // q, slice(n_fine, None), order, self.coarse_node, 1) if coarse.size else None
        self.n_coarse_nodes = int(index[-1] // q) + _reach(self.tau_max) + 1

    def check(self, r_nn1, first_row):
        """Return σ̃ in coarse nodes, shape (k,); raise ValueError where the result would not be exact."""
        tau = self.sigma / (r_nn1 * self.coarse_node)
        bad = (tau < self.tau_min) | (tau > self.tau_max)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            low, high = (self.sigma / (t * self.coarse_node) for t in (self.tau_max, self.tau_min))
            raise BondOutOfRange(first_row + row, float(r_nn1[row]), low, high)
        return tau

    def profiles(self, fine_sums, tau, height, extent, g, dg):
        """Write g and dg/dr̃ on the grid from the fine moment sums into ``g`` and ``dg``.

        Parameters
        ----------
        fine_sums : ndarray of shape (k, n_nodes, c (TAYLOR_ORDER + 1)) from ``_Deposit``
        tau : ndarray of shape (k,), σ̃ in coarse nodes
        height : ndarray of shape (k,), first-peak height in the units of the moments
        extent : ndarray of shape (k,), a bound on each structure's r / R_NN1
        g, dg : ndarrays of shape (k, n_grid), float64, written
        """
        # moments about coarse nodes, shape (k, order + 1, n_nodes), each moment's nodes
        # contiguous for the FFTs; nodes past n_coarse_nodes reach no read-out
        moments = self._expand @ fine_sums[:, : self.n_coarse_nodes].transpose(0, 2, 1)
        # A circular convolution of length L of nodes b < n is exact at the read-outs p (coarse
        # nodes) if every such b is further than the kernel's reach from p ± L.
        reach = _reach(tau)
        # fine part: the nodes within reach of its last read-out
        n = self.fine.positions[-1] // self.fine.upsample + reach + 1
        lengths = [next_fast_len(x, real=True) for x in (n + reach).tolist()]
        for (length, inputs), group in _groups(lengths, n.tolist()):
            self.fine.profiles(moments[group, :, :inputs], length, tau[group], height[group], group, g, dg)
        if self.coarse is not None:
            # coarse part: a structure's moments fill nodes 0 .. n - 1 (at most n_coarse_nodes),
            # its profile ends at node n - 1 + reach, beyond extent + reach: later read-outs,
            # which the FFTs need not reach, are zeroed by rdf_profiles. Trailing nodes of the
            # group that it does not fill are 0.
            n = np.minimum(extent / self.coarse_node, self.n_coarse_nodes - 2).astype(np.int64) + 2
            first, last = self.coarse.positions[0], self.coarse.positions[-1]
            ends = n - 1 + reach
            needed = np.maximum(n + reach - first, np.minimum(last, ends) + reach + 1)
            lengths = [next_fast_len(x, real=True) for x in needed.tolist()]
            for (length,), group in _groups(lengths):
                inputs = moments[group, :, : min(length, self.n_coarse_nodes)]
                self.coarse.profiles(inputs, length, tau[group], height[group], group, g, dg)


def _groups(*keys):
    """Yield each distinct tuple of ``keys`` (lists of length k) and the rows that have it.

    The rows are a slice when every row has it (no copies of the rows' data), else an array.
    """
    tuples = list(zip(*keys))
    distinct = sorted(set(tuples))
    if len(distinct) == 1:
        yield distinct[0], slice(None)
        return
    for key in distinct:
        yield key, np.array([row for row, other in enumerate(tuples) if other == key])


def _reach(tau):
    """Return the coarse nodes beyond which a Gaussian of width ``tau`` (nodes) adds nothing at float64 precision."""
    return np.ceil(GAUSSIAN_REACH_SIGMAS * np.asarray(tau)).astype(np.int64) + 1


def _taylor_width(offset, order):
    """Return the narrowest Gaussian (in nodes) whose Taylor remainder after ``order`` stays within TRUNCATION_BOUND.

    The remainder for an offset a is at most 1.09 (a/τ)^(order+1) / √((order+1)!) of the peak.
    """
    n = order + 1
    return offset / (TRUNCATION_BOUND * sqrt(factorial(n)) / 1.09) ** (1.0 / n)


class _Part:
    """One stretch of the grid, read from inverse FFTs of the coarse-node moments.

    Its columns ``columns`` of the grid are the consecutive output samples ``positions``,
    ``upsample`` samples per coarse node.
    """

    def __init__(self, positions, columns, order, coarse_node, upsample):
        self.positions, self.columns, self.order = positions, columns, order
        self.coarse_node, self.upsample = coarse_node, upsample
        self._responses = {}

    def _response(self, n_fft):
        """Return the Taylor factors (order + 1, band) and d/dr̃ factors (band,) of an FFT of length ``n_fft``."""
        if n_fft not in self._responses:
            # up to the coarse lattice's Nyquist frequency, which irfft would take as real
            omega = 2.0 * pi * np.arange(n_fft // 2) / n_fft  # radians per coarse node
            # A pair at b + f contributes K(y - b - f) = Σ_m (-f)^m / m! K^(m)(y - b): the
            # transform puts (-iω)^m / m! on moment m
            m = np.arange(self.order + 1)[:, None]
            taylor = (-1j * omega) ** m / np.array([factorial(i) for i in m.ravel()])[:, None]
            self._responses[n_fft] = omega, taylor, 1j * omega / self.coarse_node
        return self._responses[n_fft]

    def profiles(self, moments, n_fft, tau, height, rows, g, dg):
        """Write g and dg/dr̃ of this stretch into ``rows`` (slice or indices) of ``g`` and ``dg``, (k, n_grid).

        ``moments`` (len(rows), order + 1, n) are transformed over ``n_fft`` points. Read-outs
        past the FFT's last sample are not written: the caller makes sure they lie past every
        pair's reach, where ``rdf_profiles`` sets the profiles to 0.
        """
        omega, taylor, derivative = self._response(n_fft)
        band = omega.size
        spectrum = rfft(moments, n=n_fft, axis=-1)[:, :, :band]
        both = np.empty((2, tau.size, band), dtype=complex)
        profile = np.einsum("kmb,mb->kb", spectrum, taylor, out=both[0])
        # irfft over n_out points has 1/n_out where the convolution needs 1/n_fft; the
        # Gaussian's transform carries √(2π)
        factor = self.upsample * sqrt(2.0 * pi)
        profile *= (tau * factor / height)[:, None] * np.exp(-0.5 * (tau[:, None] * omega) ** 2)
        np.multiply(profile, derivative, out=both[1])
        n_out = self.upsample * n_fft
        samples = irfft(both, n=n_out, axis=-1, overwrite_x=True)
        # the positions are consecutive samples
        first = int(self.positions[0])
        read = max(0, min(self.positions.size, n_out - first))
        start = self.columns.start
        g[rows, start : start + read], dg[rows, start : start + read] = samples[:, :, first : first + read]
