"""The pair distribution function G(r) of a cluster as an X-ray or neutron experiment measures it.

**What is computed.** The reduced PDF of a finite particle (Egami & Billinge, *Underneath the
Bragg Peaks*, 2nd ed. 2012, eqs. 3.1, 5.7-5.8; Farrow & Billinge, Acta Cryst. A65, 232 (2009)
for the particle baseline), after the instrument:

    F(Q) = Q [S(Q) − 1] = Σ_{i≠j} (f_i f_j / N⟨f⟩²) exp(−Q² σ_ij² / 2) sin(Q r_ij) / r_ij  −  Q N Φ(QD/2)²
    G(r) = exp(−(qdamp r)² / 2) · (2/π) ∫_{qmin}^{qmax} F(Q) sin(Q r) dQ,

the Debye equation with the self term removed and the ⟨f⟩² normalisation PDFgetX3 uses
(Juhás et al., J. Appl. Cryst. 46, 560 (2013)). Its parts are the physics an instrument gives:

- *finite-particle baseline*: Φ(x) = 3(sin x − x cos x)/x³ is the form factor of a sphere of
  diameter D, and Q N Φ² its small-angle scattering; subtracting it makes the transform from
  Q = 0 equal to G(r) = 4πr[ρ(r) − ρ0 γ0(r)], with γ0(r) = 1 − 3r/2D + r³/2D³ (r < D) the
  characteristic function of the sphere and ρ0 = N / (πD³/6) (Farrow & Billinge 2009, eq. 11).
  D is that of the sphere with the cluster's radius of gyration (all atoms weighing alike):
  D = 2 √(5/3) R_g, which makes the sphere's small-angle scattering match the cluster's to order
  Q² (Guinier), so that F(Q) carries no spurious small-angle peak (``PDFSettings.diameter``
  sets D instead). Below the first peak G(r) is then −4πρ0 r γ0(r); beyond D it is zero.
- *thermal broadening*: each pair's Debye-Waller factor, with the correlated-motion model of
  PDFgui and diffpy.srreal (Jeong et al., PRB 67, 104301 (2003); ``JeongPeakWidth``):
  σ_ij² = 2 Uiso (1 − δ1/r_ij − δ2/r_ij² + qbroad² r_ij²), set to 0 where negative;
- *X-ray form factors*: f_i(Q) from Waasmaier & Kirfel, Acta Cryst. A51, 416 (1995); for an
  alloy each pair of elements keeps its own Q-dependent weight f_a f_b / ⟨f⟩². Neutron
  scattering lengths b (Sears, Neutron News 3(3), 26 (1992)) do not depend on Q;
- *termination and lost low-Q information*: the transform runs over [qmin, qmax] only, which
  convolves the pair density with a sinc-like kernel (ripples of period 2π/qmax);
- *instrument resolution*: the Gaussian envelope exp(−(qdamp r)²/2) multiplies the whole G(r),
  as in PDFgui.

**How (route a, the Debye sum through a pair histogram and FFTs).** Each pair i < j deposits
its amplitude 2 w_ij / (N r_ij) on a lattice of step h ≤ 0.01 Å with cubic B-spline weights;
one FFT gives Σ c sin(Q r_ij) at Q_k = 2πk/L (L the lattice period) once the B-spline's
transfer function sinc⁴(Qh/2) is divided out (aliases stay below (Qh/2π)⁴ ~ 2e-6 at Q = 25).
Pair widths that vary with r (δ1, δ2, qbroad) are handled by splitting the histogram into a few
channels by Chebyshev interpolation of exp(−Q²σ²/2) in σ² (error < WIDTH_TOLERANCE); alloys
under X-rays into one histogram per pair of elements. The windowed sum over Q_k (midpoint rule,
the cells cut by qmin and qmax weighted by their inside fraction) is one inverse FFT onto the
lattice, read at the output grid. Why this route: it reproduces the Debye equation exactly up to
that quadrature, with the sharp window of a real reduction; its cost is one pass over the pairs
and two FFTs per structure, independent of qmax. The quadrature's only error comes from the
window's edges and grows with r; L ≥ LATTICE_SPAN_FACTOR × (longest distance + largest r)
keeps it near 1e-4 of max |G| with thermal widths, 5e-4 for infinitely sharp pairs
(``tests/test_pdf.py`` compares with a direct Debye sum and with one pair's closed form;
``benchmarks/results/pdf.md`` reports speed and accuracy). A structure's lattice and width
channels follow from its own (rounded) size and widths, so its G(r) is the same to the last bit
whatever batch it comes in; structures that share them are transformed in one call.

``first_peak_from_gr`` finds the first peak of a measured or simulated G(r) (R_NN1, the scale
of r̃ = r / R_NN1).
"""

from dataclasses import dataclass
from math import factorial, pi

import numpy as np
from ase.data import chemical_symbols
from scipy.fft import irfft, next_fast_len, rfft
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.distance import pdist

from npshape.descriptors.rdf.pairs import as_batch

# Waasmaier & Kirfel (1995) Table 1: f0(s) = c + Σ_i a_i exp(−b_i s²), s = sin θ/λ = Q/4π (Å⁻¹),
# valid for s ≤ 6 Å⁻¹ (Q ≤ 75 Å⁻¹); coefficients a1..a5, c, b1..b5 (b in Å²), neutral atoms.
WAASMAIER_KIRFEL = {
    "C": (2.657506, 1.078079, 1.490909, -4.241070, 0.713791, 4.297983, 14.780758, 0.776775, 42.086842, -0.000294, 0.239535),
    "O": (2.960427, 2.508818, 0.637853, 0.722838, 1.142756, 0.027014, 14.182259, 5.936858, 0.112726, 34.958481, 0.390240),
    "Al": (4.730796, 2.313951, 1.541980, 1.117564, 3.154754, 0.139509, 3.628931, 43.051167, 0.095960, 108.932388, 1.555918),
    "Mn": (11.709542, 1.733414, 2.673141, 2.023368, 7.003180, -0.147293, 5.597120, 0.017800, 21.788420, 89.517914, 0.383054),
    "Fe": (12.311098, 1.876623, 3.066177, 2.070451, 6.975185, -0.304931, 5.009415, 0.014461, 18.743040, 82.767876, 0.346506),
    "Co": (12.914510, 2.481908, 3.466894, 2.106351, 6.960892, -0.936572, 4.507138, 0.009126, 16.438129, 76.987320, 0.314418),
    "Ni": (13.521865, 6.947285, 3.866028, 2.135900, 4.284731, -2.762697, 4.077277, 0.286763, 14.622634, 71.966080, 0.004437),
    "Cu": (14.014192, 4.784577, 5.056806, 1.457971, 6.932996, -3.254477, 3.738280, 0.003744, 13.034982, 72.554794, 0.265666),
    "Mo": (6.236218, 17.987711, 12.973127, 3.451426, 0.210899, 1.108770, 0.090780, 1.108310, 11.468720, 66.684151, 0.090780),
    "Ru": (6.271624, 17.906738, 14.123269, 3.746008, 0.908235, 1.043992, 0.077040, 0.928222, 9.555345, 35.860680, 123.552246),
    "Rh": (6.216648, 17.919739, 3.854252, 0.840326, 15.173498, 0.995452, 0.070789, 0.856121, 33.889484, 121.686691, 9.029517),
    "Pd": (6.121511, 4.784063, 16.631683, 4.318258, 13.246773, 0.883099, 0.062549, 0.784031, 8.751391, 34.489983, 0.784031),
    "Ag": (6.073874, 17.155437, 4.173344, 0.852238, 17.988686, 0.756603, 0.055333, 7.896512, 28.443739, 110.376106, 0.716809),
    "W": (31.507900, 15.682498, 37.960129, 4.885509, 16.792112, -32.864574, 1.629485, 9.446448, 0.000898, 59.980675, 0.160798),
    "Re": (31.888456, 16.117104, 42.390297, 5.211669, 16.767591, -37.412682, 1.549238, 9.233474, 0.000689, 54.516373, 0.152815),
    "Os": (32.210297, 16.678440, 48.559906, 5.455839, 16.735533, -43.677956, 1.473531, 9.049695, 0.000519, 50.210201, 0.145771),
    "Ir": (32.004436, 1.975454, 17.070105, 15.939454, 5.990003, 4.018893, 1.353767, 81.014175, 0.128093, 7.661196, 26.659403),
    "Pt": (31.273891, 18.445440, 17.063745, 5.555933, 1.575270, 4.050394, 1.316992, 8.797154, 0.124741, 40.177994, 1.316997),
    "Au": (16.777390, 19.317156, 32.979683, 5.595453, 10.576854, -6.279078, 0.122737, 8.621570, 1.256902, 38.008820, 0.000601),
    "Pb": (16.419567, 32.738590, 6.530247, 2.342742, 19.916475, 4.049824, 0.105499, 1.055049, 25.025890, 80.906593, 6.664449),
}
# Bound coherent neutron scattering lengths b (fm), natural isotopic abundance: Sears (1992).
NEUTRON_LENGTH_FM = {
    "C": 6.6460,
    "O": 5.803,
    "Al": 3.449,
    "Mn": -3.73,
    "Fe": 9.45,
    "Co": 2.49,
    "Ni": 10.3,
    "Cu": 7.718,
    "Mo": 6.715,
    "Ru": 7.03,
    "Rh": 5.88,
    "Pd": 5.91,
    "Ag": 5.922,
    "W": 4.86,
    "Re": 9.2,
    "Os": 10.7,
    "Ir": 10.6,
    "Pt": 9.60,
    "Au": 7.63,
    "Pb": 9.405,
}
RADIATIONS = ("xray", "neutron")
QMAX_LIMIT_INV_ANGSTROM = 75.0  # the form factors' range of validity (s ≤ 6 Å⁻¹)

# Lattice of the pair histogram: step at most LATTICE_STEP_ANGSTROM (a divisor of the output
# step), period at least LATTICE_SPAN_FACTOR × (longest pair distance or D, plus the widest
# Gaussian's reach, + largest output r): the window's edge error decays as 1 / (that margin).
# A structure's extent is rounded up to EXTENT_ROUNDING_ANGSTROM and its range of σ² outward
# to WIDTH_ROUNDING_ANGSTROM2, so that replicas of one cluster share a lattice (one FFT call).
LATTICE_STEP_ANGSTROM = 0.01
EXTENT_ROUNDING_ANGSTROM = 2.0
WIDTH_ROUNDING_ANGSTROM2 = 2.5e-4
MIN_DISTANCE_ANGSTROM = 0.5  # closer atoms overlap (and would fall off the lattice's first node)
LATTICE_SPAN_FACTOR = 4.0
GAUSSIAN_REACH_SIGMAS = 8.5  # exp(-8.5²/2) = 2e-16
# Chebyshev interpolation of exp(-Q²σ²/2) in σ² over the range of the pair widths: channels
# are added until the interpolation bound is below WIDTH_TOLERANCE (at most MAX_WIDTH_CHANNELS).
WIDTH_TOLERANCE = 1e-6
MAX_WIDTH_CHANNELS = 24
# Structures per pass: at most _BATCH_PAIRS pairs deposited and _BATCH_NODES lattice values
# transformed at once (bounds the working memory to ~100 MB).
_BATCH_PAIRS = 1 << 20
_BATCH_NODES = 1 << 22

# first_peak_from_gr: the peak is searched from FIRST_PEAK_MIN_ANGSTROM (below every metal-metal
# bond, above the unphysical low-r wiggles of reduced data); it is the highest point of the
# first stretch where G, smoothed by a Gaussian of PEAK_SMOOTHING_ANGSTROM, exceeds
# FIRST_PEAK_FRACTION of its maximum up to PEAK_REFERENCE_MAX_ANGSTROM; its position is refined
# by a least-squares parabola through the raw points above PEAK_FIT_LEVEL of that height.
FIRST_PEAK_MIN_ANGSTROM = 1.8
FIRST_PEAK_FRACTION = 0.35
PEAK_REFERENCE_MAX_ANGSTROM = 12.0
PEAK_SMOOTHING_ANGSTROM = 0.02
PEAK_FIT_LEVEL = 0.7


@dataclass(frozen=True)
class PDFSettings:
    """How G(r) is measured: radiation, Q range and resolution, thermal widths, particle size.

    radiation : "xray" or "neutron"
    qmin, qmax : Å⁻¹, the range of the Fourier transform (0 ≤ qmin < qmax ≤ 75)
    qdamp : Å⁻¹, Gaussian damping exp(−(qdamp r)²/2) of the instrument's Q resolution
    qbroad : Å⁻¹, peak broadening that grows with r: σ² = 2 uiso (1 + qbroad² r²) as in PDFgui
        and diffpy.srreal, so it scales the thermal width and does nothing when uiso = 0
    uiso : Å², isotropic mean-square displacement of every atom (pair width σ² = 2 uiso); added
        to whatever disorder the positions already hold
    delta1, delta2 : Å and Å², correlated-motion sharpening of near pairs (PDFgui's δ1, δ2)
    diameter : Å, diameter D of the particle's baseline sphere, or None for 2 √(5/3) R_g
    """

    radiation: str = "xray"
    qmin: float = 0.5
    qmax: float = 25.0
    qdamp: float = 0.03
    qbroad: float = 0.0
    uiso: float = 0.005
    delta1: float = 0.0
    delta2: float = 0.0
    diameter: float | None = None

    def __post_init__(self):
        numbers = (self.qmin, self.qmax, self.qdamp, self.qbroad, self.uiso, self.delta1, self.delta2, self.diameter or 1.0)
        if not np.isfinite(numbers).all():
            raise ValueError(f"settings must be finite numbers, got {self}")
        if self.radiation not in RADIATIONS:
            raise ValueError(f"radiation must be one of {RADIATIONS}, got {self.radiation!r}")
        if not 0 <= self.qmin < self.qmax <= QMAX_LIMIT_INV_ANGSTROM:
            raise ValueError(f"need 0 <= qmin < qmax <= {QMAX_LIMIT_INV_ANGSTROM} 1/A, got qmin={self.qmin}, qmax={self.qmax}")
        for name in ("qdamp", "qbroad", "uiso"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.diameter is not None and not self.diameter > 0:
            raise ValueError(f"diameter must be > 0 A (or None), got {self.diameter}")


def xray_form_factors(symbols, q):
    """Return f0(Q) (electrons) of each element, shape (len(symbols), len(q)); q in Å⁻¹ (Waasmaier & Kirfel)."""
    s2 = (np.asarray(q, dtype=float) / (4 * pi)) ** 2
    rows = []
    for symbol in symbols:
        a1, a2, a3, a4, a5, c, b1, b2, b3, b4, b5 = WAASMAIER_KIRFEL[symbol]
        rows.append(c + sum(a * np.exp(-b * s2) for a, b in zip((a1, a2, a3, a4, a5), (b1, b2, b3, b4, b5))))
    return np.array(rows)


def equivalent_sphere_diameter(positions):
    """Return D = 2 √(5/3) R_g (Å) of each structure: the sphere with the same radius of gyration.

    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å; returns shape (k,) or a float.
    """
    x = np.asarray(positions, dtype=float)
    centred = x - x.mean(axis=-2, keepdims=True)
    radius_of_gyration = np.sqrt((centred**2).sum(axis=-1).mean(axis=-1))
    return 2 * np.sqrt(5 / 3) * radius_of_gyration


def scattering_known(numbers) -> bool:
    """Return whether G(r) of atoms with these atomic ``numbers`` can be simulated: one element
    (no scattering data needed), or elements whose form factors and neutron lengths are tabulated."""
    symbols = {chemical_symbols[z] for z in np.unique(numbers)}
    return len(symbols) == 1 or all(s in WAASMAIER_KIRFEL and s in NEUTRON_LENGTH_FM for s in symbols)


def simulate_gr(positions, numbers, r_grid, settings=PDFSettings()):
    """Return G(r) (Å⁻²) of each structure on ``r_grid``, as the instrument in ``settings`` measures it.

    Each structure's result is independent of the others passed with it (its lattice and width
    channels depend on its own size and widths only; structures that share them are computed
    together).

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å (k structures with the same atoms)
    numbers : array_like of shape (n_atoms,), atomic numbers of elements in WAASMAIER_KIRFEL
    r_grid : ndarray of shape (n_r,), Å, evenly spaced, r ≥ 0
    settings : PDFSettings

    Returns
    -------
    G : ndarray of shape (k, n_r), or (n_r,) for 2-D ``positions``, float64
    """
    x, one = as_batch(positions, numbers)
    r_grid = np.asarray(r_grid, dtype=float)
    r_step = _uniform_grid(r_grid)
    pairs = _scattering(numbers, settings.radiation)
    distances = np.stack([pdist(structure) for structure in x])  # (k, n_pairs)
    if distances.min() < MIN_DISTANCE_ANGSTROM:
        raise ValueError(
            f"two atoms are {distances.min():.3g} A apart: they overlap (G(r) needs every distance >= {MIN_DISTANCE_ANGSTROM} A)"
        )
    diameters = equivalent_sphere_diameter(x) if settings.diameter is None else np.full(len(x), float(settings.diameter))
    h = r_step / np.ceil(r_step / LATTICE_STEP_ANGSTROM - 1e-9) if r_step > 0 else LATTICE_STEP_ANGSTROM
    plans = [_lattice_plan(d, diameter, h, r_grid[-1], settings) for d, diameter in zip(distances, diameters)]
    result = np.empty((len(x), r_grid.size))
    for plan in sorted(set(plans)):
        members = np.array([i for i, other in enumerate(plans) if other == plan])
        result[members] = _simulate_lattice(distances[members], diameters[members], x.shape[1], pairs, plan, h, r_grid, settings)
    return result[0] if one else result


def _lattice_plan(distances, diameter, h, r_max, settings):
    """Return (number of nodes, σ² range in Å²) of one structure's lattice and width channels.

    The σ² range met by its pairs is rounded outward to WIDTH_ROUNDING_ANGSTROM2 (unless σ² is
    the same for every distance) and its extent up to EXTENT_ROUNDING_ANGSTROM, so that replicas
    of a cluster mostly share one plan; the period covers LATTICE_SPAN_FACTOR × (extent + r_max).
    """
    width2 = _pair_width_squared(np.linspace(distances.min() - 3 * h, distances.max() + 3 * h, 256), settings)
    lo, hi = width2.min(), width2.max()
    if hi > lo:
        lo = np.floor(lo / WIDTH_ROUNDING_ANGSTROM2) * WIDTH_ROUNDING_ANGSTROM2
        hi = np.ceil(hi / WIDTH_ROUNDING_ANGSTROM2) * WIDTH_ROUNDING_ANGSTROM2
    extent = max(distances.max(), diameter) + GAUSSIAN_REACH_SIGMAS * np.sqrt(hi) + 3 * h
    extent = np.ceil(extent / EXTENT_ROUNDING_ANGSTROM) * EXTENT_ROUNDING_ANGSTROM
    return next_fast_len(int(np.ceil(LATTICE_SPAN_FACTOR * (extent + r_max) / h)), real=True), float(lo), float(hi)


def _simulate_lattice(distances, diameters, n_atoms, pairs, plan, h, r_grid, settings):
    """Return G(r) of structures that share one lattice plan, shape (k, n_r) (see the module docstring)."""
    pair_class, pair_weight, class_weight_of_q = pairs
    n_nodes, width_lo, width_hi = plan
    dq = 2 * pi / (n_nodes * h)
    q = dq * np.arange(int(settings.qmax / dq + 1.5))  # every cell that reaches into [0, qmax]
    window = _window_fractions(q, dq, settings.qmin, settings.qmax)
    width_nodes = _width_channels(width_lo, width_hi, settings.qmax)
    channel_of_node = _lagrange_weights(
        width_nodes, np.clip(_pair_width_squared(h * np.arange(n_nodes), settings), width_lo, width_hi)
    )
    factor = (class_weight_of_q(q)[:, None, :] * np.exp(-0.5 * q**2 * width_nodes[:, None])[None]) / _bspline_transfer(q, h)
    phase = -1j * window * np.exp(1j * q * r_grid[0])  # sin(Q r) = Im e^{iQr}; Im z = Re(-i z)
    output_nodes = np.rint((r_grid - r_grid[0]) / h).astype(int)
    damping = np.exp(-0.5 * (settings.qdamp * r_grid) ** 2)
    result = np.empty((len(distances), r_grid.size))
    per_chunk = max(1, min(_BATCH_PAIRS // distances.shape[1], _BATCH_NODES // (n_nodes * factor.shape[0] * factor.shape[1])))
    for start in range(0, len(distances), per_chunk):
        d = distances[start : start + per_chunk]
        histograms = _deposit(d, 2 * pair_weight / (n_atoms * d), pair_class, h, n_nodes, class_count=factor.shape[0])
        # (structures, classes, width channels, nodes)
        channels = histograms[:, :, None, :] * channel_of_node if width_nodes.size > 1 else histograms[:, :, None, :]
        spectra = rfft(channels, axis=-1, workers=1)[..., : q.size]
        pair_part = -(spectra.imag * factor[None]).sum(axis=(1, 2))  # Σ c sin(Q r_ij) × weights
        baseline = q * n_atoms * _sphere_form_factor(0.5 * q * diameters[start : start + per_chunk, None]) ** 2
        f_of_q = pair_part - baseline
        # G on the lattice r_0 + m h: (2/π) ΔQ Σ_k W_k F_k sin(Q_k r) = (2/h) irfft(−i W F e^{iQ r_0})
        lattice = (2 / h) * irfft(phase * f_of_q, n=n_nodes, axis=-1, workers=1)
        result[start : start + per_chunk] = lattice[:, output_nodes] * damping
    return result


def first_peak_from_gr(r, G):
    """Return the position (Å) of the first peak of G(r), robust to noise and termination ripples.

    From FIRST_PEAK_MIN_ANGSTROM on, G is smoothed by a Gaussian of PEAK_SMOOTHING_ANGSTROM; the
    first peak is the highest point of the first stretch where the smoothed G exceeds
    FIRST_PEAK_FRACTION of its maximum up to PEAK_REFERENCE_MAX_ANGSTROM (ripples before the first
    peak reach ~15 % of it, and farther peaks of a bulk-like G(r) can be taller than it, never
    three times as tall). The position is the vertex of a least-squares parabola through the raw
    points around it where the smoothed G stays above PEAK_FIT_LEVEL of the peak (at least two
    points each side), whose symmetric window makes the vertex insensitive to noise.

    r : ndarray of shape (n,), Å, increasing and evenly spaced; G : ndarray of shape (n,), Å⁻²
    """
    r = np.asarray(r, dtype=float)
    g = np.asarray(G, dtype=float)
    if r.shape != g.shape or r.ndim != 1:
        raise ValueError(f"r and G must be 1-D arrays of the same length, got shapes {r.shape} and {g.shape}")
    if not (np.isfinite(r).all() and np.isfinite(g).all()):
        raise ValueError("r and G must be finite")
    inside = r >= FIRST_PEAK_MIN_ANGSTROM
    r, g = r[inside], g[inside]
    if r.size < 5:
        raise ValueError(f"G(r) has fewer than 5 points beyond {FIRST_PEAK_MIN_ANGSTROM} A: no first peak to find")
    step = (r[-1] - r[0]) / (r.size - 1)
    smooth = gaussian_filter1d(g, PEAK_SMOOTHING_ANGSTROM / step, mode="nearest")
    reference = smooth[r <= PEAK_REFERENCE_MAX_ANGSTROM].max()
    if not reference > 0:
        raise ValueError(f"G(r) is nowhere positive between {FIRST_PEAK_MIN_ANGSTROM} and {PEAK_REFERENCE_MAX_ANGSTROM} A")
    above = smooth > FIRST_PEAK_FRACTION * reference
    first = int(np.argmax(above))
    last = first + (int(np.argmin(above[first:])) if not above[first:].all() else r.size - first)
    top = first + int(np.argmax(smooth[first:last]))
    if top in (0, r.size - 1):
        raise ValueError(f"the first peak of G(r) lies at the end of the data ({r[top]:.2f} A): no maximum to locate")
    high = smooth > PEAK_FIT_LEVEL * smooth[top]
    lo = top - int(np.argmin(high[top::-1])) + 1 if not high[: top + 1].all() else 0
    hi = top + int(np.argmin(high[top:])) if not high[top:].all() else r.size
    lo, hi = max(0, min(lo, top - 2)), min(r.size, max(hi, top + 3))
    c2, c1, _ = np.polyfit(r[lo:hi] - r[top], g[lo:hi], 2)
    vertex = -c1 / (2 * c2) if c2 < 0 else 0.0
    return float(r[top] + np.clip(vertex, r[lo] - r[top], r[hi - 1] - r[top]))


def _uniform_grid(r_grid):
    """Return the step (Å) of an evenly spaced, increasing grid of r ≥ 0 (0 for one point); else ValueError."""
    if r_grid.ndim != 1 or r_grid.size == 0 or not np.isfinite(r_grid).all() or r_grid[0] < 0:
        raise ValueError("r_grid must be a 1-D array of finite r >= 0")
    if r_grid.size == 1:
        return 0.0
    step = (r_grid[-1] - r_grid[0]) / (r_grid.size - 1)
    if not step > 0 or np.abs(np.diff(r_grid) - step).max() > 1e-6 * step:
        raise ValueError("r_grid must be increasing and evenly spaced (interpolate onto such a grid first)")
    return float(step)


def _scattering(numbers, radiation):
    """Return each pair's class and constant weight, and the classes' weights as a function of Q.

    Pairs are in ``pdist`` order. Neutrons: one class, pair weights b_i b_j / ⟨b⟩². X-rays: one
    class per pair of elements (a ≤ b), pair weights 1, class weights f_a(Q) f_b(Q) / ⟨f(Q)⟩²
    (exactly 1 for one element).
    """
    z = np.asarray(numbers)
    if not np.issubdtype(z.dtype, np.integer) or z.min() < 1 or z.max() >= len(chemical_symbols):
        raise ValueError("numbers must be atomic numbers (integers)")
    elements, species = np.unique(z, return_inverse=True)
    symbols = [chemical_symbols[e] for e in elements]
    i, j = np.triu_indices(z.size, 1)
    if len(symbols) == 1:  # every pair weighs f²/⟨f⟩² = b²/⟨b⟩² = 1: no scattering data needed
        return np.zeros(i.size, dtype=np.intp), np.ones(i.size), lambda q: np.ones((1, np.size(q)))
    missing = [s for s in symbols if s not in WAASMAIER_KIRFEL]
    if missing:
        raise ValueError(f"no scattering data for {', '.join(missing)}; known elements: {', '.join(WAASMAIER_KIRFEL)}")
    fractions = np.bincount(species) / z.size
    if radiation == "neutron":
        b = np.array([NEUTRON_LENGTH_FM[s] for s in symbols])
        mean_b = fractions @ b
        if abs(mean_b) < 1e-3 * np.abs(b).max():
            raise ValueError(f"the mean neutron scattering length of {'/'.join(symbols)} is zero: G(r) is undefined")
        weights = b[species[i]] * b[species[j]] / mean_b**2
        return np.zeros(i.size, dtype=np.intp), weights, lambda q: np.ones((1, np.size(q)))
    first, second = np.triu_indices(len(symbols))  # classes (a <= b), in this order
    class_index = np.zeros((len(symbols), len(symbols)), dtype=np.intp)
    class_index[first, second] = class_index[second, first] = np.arange(first.size)

    def class_weights(q):
        f = xray_form_factors(symbols, q)
        return f[first] * f[second] / (fractions @ f) ** 2

    return class_index[species[i], species[j]], np.ones(i.size), class_weights


def _pair_width_squared(r, settings):
    """Return σ² (Å²) of pairs at distances ``r`` (Å): 2 Uiso (1 − δ1/r − δ2/r² + qbroad² r²), at least 0."""
    r = np.maximum(np.asarray(r, dtype=float), 1e-12)
    sharpening = 1 - settings.delta1 / r - settings.delta2 / r**2 + (settings.qbroad * r) ** 2
    return 2 * settings.uiso * np.maximum(sharpening, 0.0)


def _width_channels(lo, hi, qmax):
    """Return the Chebyshev nodes σ_c² (Å²) on [lo, hi] that interpolate exp(−Q²σ²/2) for Q ≤ qmax.

    Nodes are added until the interpolation bound 2 (qmax² (hi − lo)/8)^K / K! is below
    WIDTH_TOLERANCE (one node, the exact width, when every pair has the same σ²).
    """
    spread = 0.5 * qmax**2 * (hi - lo)
    count = 1
    while spread > 0 and 2 * (spread / 4) ** count / factorial(count) > WIDTH_TOLERANCE and count < MAX_WIDTH_CHANNELS:
        count += 1
    if count == 1:
        return np.array([0.5 * (lo + hi)])
    return 0.5 * (lo + hi) + 0.5 * (hi - lo) * np.cos((2 * np.arange(count) + 1) * pi / (2 * count))


def _lagrange_weights(nodes, values):
    """Return ℓ_c(values), the Lagrange polynomials on ``nodes``, shape (len(nodes), len(values))."""
    weights = np.ones((nodes.size, values.size))
    for c in range(nodes.size):
        for other in range(nodes.size):
            if other != c:
                weights[c] *= (values - nodes[other]) / (nodes[c] - nodes[other])
    return weights


def _bspline_transfer(q, h):
    """Return the transfer function sinc⁴(Qh/2) of the cubic B-spline deposit on a lattice of step h."""
    return np.sinc(q * h / (2 * pi)) ** 4  # np.sinc(x) = sin(πx)/(πx)


def _deposit(distances, amplitudes, pair_class, h, n_nodes, class_count):
    """Return the cubic B-spline histogram of each structure's pairs, shape (m, class_count, n_nodes).

    A pair at u = r/h = b + t (b integer) puts amplitude × B(j − t) on nodes b + j, j = −1..2:
    (1−t)³/6, (4 − 3t²(2−t))/6, (4 − 3(1−t)²(1+t))/6, t³/6; one weighted count per j, shifted by
    j, over the nodes the pairs reach only (pairs lie at least MIN_DISTANCE_ANGSTROM > h from
    node 0 and 3h from the last node).
    """
    m = distances.shape[0]
    u = distances / h
    base = np.floor(u)
    t = (u - base).ravel()
    s = 1 - t
    base = base.astype(np.intp)
    first = int(base.min()) - 1  # the lowest node reached
    width = int(base.max()) + 3 - first
    row = ((np.arange(m)[:, None] * class_count + pair_class[None]) * width + (base - first - 1)).ravel()
    sixth = amplitudes.ravel() / 6
    reached = np.zeros(m * class_count * width)
    for shift, spline in ((0, s * s * s), (1, 4 - 3 * t * t * (1 + s)), (2, 4 - 3 * s * s * (1 + t)), (3, t * t * t)):
        reached[shift:] += np.bincount(row, sixth * spline, minlength=reached.size)[: reached.size - shift]
    histogram = np.zeros((m, class_count, n_nodes))
    histogram[..., first : first + width] = reached.reshape(m, class_count, width)
    return histogram


def _window_fractions(q, dq, qmin, qmax):
    """Return the fraction of each cell [Q_k − ΔQ/2, Q_k + ΔQ/2] inside [qmin, qmax] (midpoint rule)."""
    return np.clip((np.minimum(q + dq / 2, qmax) - np.maximum(q - dq / 2, qmin)) / dq, 0.0, 1.0)


def _sphere_form_factor(x):
    """Return Φ(x) = 3(sin x − x cos x)/x³, the form factor of a uniform sphere (x = QR)."""
    x = np.asarray(x, dtype=float)
    small = x < 1e-2
    xs = np.where(small, 1.0, x)
    exact = 3 * (np.sin(xs) - xs * np.cos(xs)) / xs**3
    return np.where(small, 1 - x**2 / 10 + x**4 / 280, exact)
