"""Simulated G(r) (``npshape.descriptors.pdf``) and measured .gr files (``npshape.classify.gr_files``).

Expected values come from closed formulas (one pair's termination ripples, the sphere's
characteristic function γ0, the damping envelope, f(0) = Z) and from a plain Debye sum written
here: every pair's sin(Q r)/(Q r) summed directly on a fine Q grid, no histogram, then
Simpson's rule for the sine transform. Only the coefficient tables (data) are taken from the
module under test; the form factor formula is re-implemented here.
"""

import numpy as np
import pytest
from ase.build import bulk
from ase.cluster import Icosahedron, Octahedron
from ase.data import atomic_numbers, chemical_symbols
from scipy.integrate import quad, simpson
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.distance import pdist
from scipy.stats import special_ortho_group

from npshape.classify.gr_files import is_gr_file, read_gr, require_qmax
from npshape.descriptors.pdf import (
    NEUTRON_LENGTH_FM,
    WAASMAIER_KIRFEL,
    PDFSettings,
    first_peak_from_gr,
    scattering_known,
    simulate_gr,
    xray_form_factors,
)

PT, AG = 78, 47
PT_LATTICE_ANGSTROM = 3.924
PT_BOND_ANGSTROM = PT_LATTICE_ANGSTROM / np.sqrt(2)  # 2.775 Å, bulk fcc Pt
FIRST_RIPPLE = 4.4934  # first extremum of sin(x)/x beyond 0: tan x = x
R = np.arange(0, 20.0001, 0.01)


def icosahedron_13():
    return Icosahedron("Pt", 2, latticeconstant=PT_LATTICE_ANGSTROM).positions


def cuboctahedron_55():
    return Octahedron("Pt", 5, 2, latticeconstant=PT_LATTICE_ANGSTROM).positions


def fcc_sphere(radius):
    """Atoms of fcc Pt within ``radius`` (Å) of an atom."""
    x = bulk("Pt", "fcc", a=PT_LATTICE_ANGSTROM, cubic=True).repeat((10, 10, 10)).positions
    x = x - x[np.argmin(((x - x.mean(axis=0)) ** 2).sum(axis=1))]
    return x[(x**2).sum(axis=1) <= radius**2]


def gamma0(r, diameter):
    """Characteristic function of a sphere (Farrow & Billinge 2009)."""
    u = r / diameter
    return np.where(u < 1, 1 - 1.5 * u + 0.5 * u**3, 0.0)


def sphere_form_factor(x):
    return 3 * (np.sin(x) - x * np.cos(x)) / x**3


def form_factor(symbol, q):
    """f0(Q) = c + Σ a_i exp(−b_i (Q/4π)²), Waasmaier & Kirfel's formula."""
    a1, a2, a3, a4, a5, c, b1, b2, b3, b4, b5 = WAASMAIER_KIRFEL[symbol]
    s2 = (q / (4 * np.pi)) ** 2
    return c + sum(a * np.exp(-b * s2) for a, b in ((a1, b1), (a2, b2), (a3, b3), (a4, b4), (a5, b5)))


def plain_debye_gr(positions, numbers, r, settings, dq=0.002):
    """G(r) by the Debye equation summed over every pair, transformed by Simpson's rule on a fine Q grid."""
    n = len(positions)
    q = np.linspace(settings.qmin, settings.qmax, int(round((settings.qmax - settings.qmin) / dq)) + 1)
    symbols = [chemical_symbols[z] for z in numbers]
    if settings.radiation == "xray":
        f = np.array([form_factor(s, q) for s in symbols])
    else:
        f = np.array([np.full(q.size, NEUTRON_LENGTH_FM[s]) for s in symbols])
    i, j = np.triu_indices(n, 1)
    d = pdist(positions)
    sharpening = np.maximum(1 - settings.delta1 / d - settings.delta2 / d**2 + (settings.qbroad * d) ** 2, 0)
    width2 = 2 * settings.uiso * sharpening
    f_of_q = np.zeros(q.size)
    for pair in range(d.size):
        f_of_q += 2 * f[i[pair]] * f[j[pair]] * np.exp(-0.5 * q**2 * width2[pair]) * np.sin(q * d[pair]) / d[pair]
    f_of_q /= n * f.mean(axis=0) ** 2
    centred = positions - positions.mean(axis=0)
    diameter = 2 * np.sqrt(5 / 3 * (centred**2).sum(axis=1).mean())
    f_of_q -= q * n * sphere_form_factor(q * diameter / 2) ** 2
    g = (2 / np.pi) * simpson(f_of_q[None] * np.sin(np.outer(r, q)), x=q, axis=1)
    return g * np.exp(-0.5 * (settings.qdamp * r) ** 2)


# --- simulate_gr -------------------------------------------------------------------------------


@pytest.mark.parametrize("radiation", ["xray", "neutron"])
@pytest.mark.parametrize("builder", [icosahedron_13, cuboctahedron_55])
def test_simulated_gr_equals_the_plain_debye_sum(builder, radiation):
    positions = builder()
    numbers = np.full(len(positions), PT)
    settings = PDFSettings(radiation=radiation, qmin=0.5, qmax=20.0, qdamp=0.03, uiso=0.005)
    expected = plain_debye_gr(positions, numbers, R, settings)
    got = simulate_gr(positions, numbers, R, settings)
    assert np.abs(got - expected).max() < 1e-3 * np.abs(expected).max()  # measured: 3e-4 (13 atoms), 5e-5 (55)


@pytest.mark.parametrize("radiation", ["xray", "neutron"])
def test_alloy_with_q_dependent_form_factors_and_r_dependent_widths(radiation):
    """Ag13 core in a Pt42 shell: X-ray weights f_a(Q) f_b(Q)/⟨f(Q)⟩² per pair; δ2 and qbroad widths."""
    positions = Icosahedron("Pt", 3, latticeconstant=PT_LATTICE_ANGSTROM).positions
    numbers = np.full(len(positions), PT)
    numbers[:13] = AG
    settings = PDFSettings(radiation=radiation, qmin=0.8, qmax=22.0, qdamp=0.04, uiso=0.006, delta2=2.5, qbroad=0.04)
    expected = plain_debye_gr(positions, numbers, R, settings)
    got = simulate_gr(positions, numbers, R, settings)
    assert np.abs(got - expected).max() < 1e-3 * np.abs(expected).max()


def test_one_pair_gives_the_closed_form_termination_ripples():
    """Two atoms d apart, neutrons, no damping, no thermal width: the pair term of G(r) is
    (2/π) ∫ sin(Qd) sin(Qr) / d dQ over [qmin, qmax]
    = [sin(qmax(r−d))/(r−d) − sin(qmax(r+d))/(r+d) − (same at qmin)] / (πd);
    the particle baseline −(2/π) ∫ Q N Φ(QD/2)² sin(Qr) dQ is integrated by QUADPACK's sine rule."""
    d, qmin, qmax = 10.0, 0.3, 25.0
    positions = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, d]])
    r = np.arange(0.0, 25.0001, 0.01)
    settings = PDFSettings(radiation="neutron", qmin=qmin, qmax=qmax, qdamp=0.0, uiso=0.0)
    g = simulate_gr(positions, np.array([PT, PT]), r, settings)

    def kernel(x, q):
        return q * np.sinc(q * x / np.pi)  # sin(qx)/x, = q at x = 0

    pair = (kernel(r - d, qmax) - kernel(r + d, qmax) - kernel(r - d, qmin) + kernel(r + d, qmin)) / (np.pi * d)
    diameter = 2 * np.sqrt(5 / 3) * d / 2  # radius of gyration d/2
    sampled = np.arange(1, r.size, 37)

    def small_angle(q):
        return 2 * q * sphere_form_factor(q * diameter / 2) ** 2  # Q N Φ(QD/2)², N = 2

    def baseline_at(x):
        return -(2 / np.pi) * quad(small_angle, qmin, qmax, weight="sin", wvar=x, limit=400)[0]

    baseline = [baseline_at(x) for x in r[sampled]]
    expected = pair[sampled] + baseline
    assert np.abs(g[sampled] - expected).max() < 1e-3 * np.abs(expected).max()  # measured: 5e-4
    # the first ripples flank the peak at d ± 4.4934 / qmax (minima of sin(x)/x)
    for side in (-1, 1):
        near = np.abs(r - (d + side * FIRST_RIPPLE / qmax)) < 0.05
        assert r[near][np.argmin(g[near])] == pytest.approx(d + side * FIRST_RIPPLE / qmax, abs=0.011)


def test_baseline_of_a_large_fcc_sphere_is_the_sphere_characteristic_function():
    """G(r) = 4πr[ρ(r) − ρ0 γ0(r)] for a sphere cut from fcc Pt (R = 12 Å, ρ0 = 4/a³, D = 2R):
    below the first peak ρ(r) = 0 and G follows −4πρ0 r γ0(r); beyond it the pair density averages
    to ρ0 γ0(r), so G averaged over 1.5 Å stays near 0 where a bulk baseline −4πρ0 r would leave
    −4πρ0 r (1 − γ0(r)); beyond D, G vanishes."""
    radius = 12.0
    positions = fcc_sphere(radius)
    r = np.arange(0, 30.0001, 0.01)
    settings = PDFSettings(radiation="neutron", qmin=0.0, qmax=40.0, qdamp=0.0, uiso=0.01)
    g = simulate_gr(positions, np.full(len(positions), PT), r, settings)
    density = 4 / PT_LATTICE_ANGSTROM**3
    baseline = -4 * np.pi * density * r * gamma0(r, 2 * radius)
    below = (r > 0.5) & (r < 1.8)
    assert np.abs(g[below] / baseline[below] - 1).max() < 0.02  # measured: 0.5 %
    smooth = gaussian_filter1d(g, 1.5 / 0.01)
    middle = (r > 6) & (r < 2 * radius - 3)
    assert np.abs(smooth[middle]).max() < 0.02 * (4 * np.pi * density * r[middle]).min()
    bulk_leftover = 4 * np.pi * density * r[middle] * (1 - gamma0(r[middle], 2 * radius))
    assert bulk_leftover.max() > 50 * np.abs(smooth[middle]).max()
    assert np.abs(g[r > 2 * radius + 2]).max() < 1e-3 * g.max()


def test_damping_multiplies_by_the_gaussian_envelope():
    positions = cuboctahedron_55()
    numbers = np.full(len(positions), PT)
    sharp = simulate_gr(positions, numbers, R, PDFSettings(qdamp=0.0))
    damped = simulate_gr(positions, numbers, R, PDFSettings(qdamp=0.05))
    np.testing.assert_allclose(damped, sharp * np.exp(-0.5 * (0.05 * R) ** 2), rtol=0, atol=1e-12)


def test_batch_rotation_translation_and_grid_offset():
    """A structure's G does not depend on the batch it comes in (to the last bit, as the study's
    sharding requires); G ignores rotations and translations; any evenly spaced grid will do."""
    rng = np.random.default_rng(7)
    base = cuboctahedron_55()
    numbers = np.full(len(base), PT)
    batch = np.stack([base] * 3 + [1.3 * base] * 3) + rng.normal(0, 0.08, (6, *base.shape))  # two sizes: two lattices
    for settings in (PDFSettings(), PDFSettings(radiation="neutron", delta2=2.0, qbroad=0.03)):
        together = simulate_gr(batch, numbers, R, settings)
        for i, structure in enumerate(batch):
            np.testing.assert_array_equal(simulate_gr(structure, numbers, R, settings), together[i])
            np.testing.assert_array_equal(simulate_gr(batch[i::-1], numbers, R, settings)[0], together[i])
    moved = batch[0] @ special_ortho_group.rvs(3, random_state=1).T + [5.0, -3.0, 12.0]
    together = simulate_gr(batch, numbers, R)
    np.testing.assert_allclose(simulate_gr(moved, numbers, R), together[0], rtol=0, atol=1e-9)
    offset = 1.005 + 0.01 * np.arange(1500)  # between the nodes of the 0.01 Å lattice: read through a phase
    expected = plain_debye_gr(batch[0], numbers, offset, PDFSettings())
    np.testing.assert_allclose(simulate_gr(batch[0], numbers, offset), expected, atol=1e-3 * together.max())


def test_form_factors_and_scattering_lengths():
    """f(0) is the number of electrons; f falls with Q; every element has both tables."""
    q = np.linspace(0, 30, 301)
    f = xray_form_factors(list(WAASMAIER_KIRFEL), q)
    z = np.array([atomic_numbers[s] for s in WAASMAIER_KIRFEL])
    np.testing.assert_allclose(f[:, 0], z, rtol=2e-3)
    assert (np.diff(f, axis=1) < 0).all() and (f > 0).all()
    assert set(NEUTRON_LENGTH_FM) == set(WAASMAIER_KIRFEL)
    np.testing.assert_allclose(f[:, 0], [form_factor(s, np.array(0.0)) for s in WAASMAIER_KIRFEL])


def test_scattering_is_known_for_one_element_or_tabulated_ones():
    magnesium, oxygen = atomic_numbers["Mg"], atomic_numbers["O"]
    assert "Mg" not in WAASMAIER_KIRFEL and "O" in WAASMAIER_KIRFEL
    assert scattering_known(np.full(13, magnesium))  # one element: every pair weighs 1
    assert scattering_known(np.array([PT, atomic_numbers["Ag"], PT]))
    assert not scattering_known(np.array([magnesium, oxygen]))
    with pytest.raises(ValueError, match="no scattering data for Mg"):
        simulate_gr(icosahedron_13(), np.array([magnesium] * 12 + [oxygen]), np.arange(0.0, 10.0, 0.01), PDFSettings())


def test_bad_settings_and_inputs():
    positions = icosahedron_13()
    numbers = np.full(13, PT)
    with pytest.raises(ValueError, match="radiation"):
        PDFSettings(radiation="electron")
    with pytest.raises(ValueError, match="qmin < qmax"):
        PDFSettings(qmin=20, qmax=10)
    with pytest.raises(ValueError, match="evenly spaced"):
        simulate_gr(positions, numbers, np.array([0.0, 0.1, 0.3]))
    with pytest.raises(ValueError, match="no scattering data for Na"):  # an alloy needs each element's f(Q)
        simulate_gr(positions, np.array([11] * 6 + [PT] * 7), R)
    # one element: every pair weighs 1 whatever f(Q), so no table is needed (Na, or Cr of the evaluation set)
    np.testing.assert_allclose(simulate_gr(positions, np.full(13, 11), R), simulate_gr(positions, np.full(13, PT), R))
    with pytest.raises(ValueError, match="overlap"):
        simulate_gr(np.vstack([positions, positions[:1]]), np.full(14, PT), R)
    with pytest.raises(ValueError, match="mean neutron scattering length"):
        # Mn (b = −3.73 fm) and Co (2.49 fm) in the ratio 2.49 : 3.73 scatter nothing coherently on average
        simulate_gr(fcc_sphere(6.0)[:50], np.array([25] * 20 + [27] * 30), R, PDFSettings(radiation="neutron"))


# --- first_peak_from_gr ------------------------------------------------------------------------


@pytest.mark.parametrize("qmax", [15.0, 20.0, 25.0])
def test_first_peak_of_noisy_fcc_pt_is_the_bond(qmax):
    positions = fcc_sphere(12.0)
    r = np.arange(0, 30.0001, 0.01)
    g = simulate_gr(positions, np.full(len(positions), PT), r, PDFSettings(qmin=0.5, qmax=qmax, qdamp=0.03, uiso=0.005))
    for seed in range(5):
        noisy = g + np.random.default_rng(seed).normal(0, 0.05 * g.max(), g.shape)
        assert first_peak_from_gr(r, noisy) == pytest.approx(PT_BOND_ANGSTROM, abs=0.02)


def test_first_peak_passes_over_low_r_artefacts_and_ripples():
    """A large spurious wiggle below 1.8 Å and undamped ripples before the peak are not the peak."""
    positions = cuboctahedron_55()
    r = np.arange(0, 20.0001, 0.01)
    g = simulate_gr(positions, np.full(55, PT), r, PDFSettings(qmin=1.0, qmax=14.0, qdamp=0.0, uiso=0.002))
    g = g + 3 * g.max() * np.exp(-0.5 * ((r - 1.0) / 0.1) ** 2)
    assert first_peak_from_gr(r, g) == pytest.approx(PT_BOND_ANGSTROM, abs=0.02)
    with pytest.raises(ValueError, match="nowhere positive"):
        first_peak_from_gr(r, -np.ones_like(r))


# --- read_gr -----------------------------------------------------------------------------------

PDFGETX3_HEADER = """[DEFAULT]

version = pdfgetx3-2.1.1

# input and output specifications
dataformat = QA
inputfile = pt_np.chi
outputtype = gr

# PDF calculation setup
mode = xray
wavelength = 0.1839
composition = Pt
bgscale = 1
rpoly = 0.9
qmaxinst = 26.0
qmin = 0.8
qmax = 24.5
qdamp = 0.031
rmin = 0
rmax = 30
rstep = 0.01

# End of config --------------------------------------------------------------

#### start data
#S 1
#L r($\\AA$)  G($\\AA^{-2}$)  dG($\\AA^{-2}$)
"""

PDFGUI_HEADER = """# History written: Mon Apr 30 17:19:28 2007
# produced by user
# ##### PDFgui
# stype=N  neutron scattering
# qmax = 27.0
# qdamp = 0.02
# qbroad = 0.011
# temperature=300
##### start data
#L r(A) G(r) d_r d_Gr
"""

XPDFSUITE_HEADER = """# xPDFsuite Configuration #
[PDF]
wavelength = 1.333
dataformat = QA
inputfile = ni.chi
stype = N
composition = Ni
qmaxinst = 27.0
qmin = 0.87
qmax = 26.0
rpoly = 0.9

[Misc]
inputdir = /data/chi

##### start data
#O0 rg_int sig_rg_int low_int sig_low_int rmax rhofit
#S 1 - PDF from PDFgetN
#P0  -68.04163   47.30471    0.14884    0.13136    1.50  0.1091
#L r G(r) dr dG(r)
"""

PDFGETX2_HEADER = """History written:       Wed Jul 01 00:37:52 2025
####### Get_XPDF #######
## X-Ray   radiationtype=3
lambda=0.126514    energy=98.0010    polartype=2    polardegree=0.960000
##### SqGr_Optimization Setup
## S(q)  qmin=1.000000    qmax=40.000000    qgrid=0.000000
optqmin=20.0000    optqmax=35.0000    optqgrid=0.00000
##### start data
#S 1    G(r)
#L r    G(r)    d_r    d_Gr
"""


def table(columns):
    """Rows of r (0.01-20 Å), a fake G and its uncertainty (and dr), as text with the given number of columns."""
    r = np.arange(0.01, 20.0001, 0.01)
    g = np.sin(3 * r) * np.exp(-r / 10)
    values = np.column_stack([r, g, np.full(r.size, 0.0), np.full(r.size, 0.05)])
    chosen = {2: [0, 1], 3: [0, 1, 3], 4: [0, 1, 2, 3]}[columns]
    return "".join(" ".join(f"{v:.6g}" for v in row) + "\n" for row in values[:, chosen]), r, g


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_pdfgetx3_file(tmp_path):
    rows, r, g = table(3)
    data = read_gr(write(tmp_path, "pt.gr", PDFGETX3_HEADER + rows))
    np.testing.assert_allclose(data.r, r)
    np.testing.assert_allclose(data.G, np.round(g, 6), atol=1e-6)
    np.testing.assert_allclose(data.dG, 0.05)
    m = data.metadata
    assert (m["qmin"], m["qmax"], m["qmaxinst"], m["qdamp"], m["rpoly"], m["wavelength"]) == (0.8, 24.5, 26.0, 0.031, 0.9, 0.1839)
    assert (m["composition"], m["radiation"], m["dataformat"]) == ("Pt", "xray", "QA")
    assert m["header"]["version"] == "pdfgetx3-2.1.1"
    assert require_qmax(data) == 24.5 and require_qmax(data, 20) == 20.0


def test_read_xpdfsuite_file(tmp_path):
    """Two columns under a four-column #L line (r G(r) dr dG(r)), as in diffpy.srfit's test data."""
    rows, r, g = table(2)
    data = read_gr(write(tmp_path, "ni.gr", XPDFSUITE_HEADER + rows))
    np.testing.assert_allclose(data.r, r)
    assert data.dG is None
    m = data.metadata
    assert (m["radiation"], m["qmin"], m["qmax"], m["qmaxinst"], m["composition"]) == ("neutron", 0.87, 26.0, 27.0, "Ni")
    assert m["header"]["inputdir"] == "/data/chi"


def test_read_pdfgui_and_pdfgetx2_files(tmp_path):
    rows, r, g = table(4)
    data = read_gr(write(tmp_path, "ni.fgr", PDFGUI_HEADER + rows))
    m = data.metadata
    assert (m["radiation"], m["qmax"], m["qdamp"], m["qbroad"], m["temperature"]) == ("neutron", 27.0, 0.02, 0.011, 300)
    assert "qmin" not in m
    np.testing.assert_allclose(data.dG, 0.05)  # the fourth column, d_Gr; d_r is all 0
    data = read_gr(write(tmp_path, "ni_x2.gr", PDFGETX2_HEADER + rows))
    m = data.metadata
    assert (m["radiation"], m["qmin"], m["qmax"], m["wavelength"]) == ("xray", 1.0, 40.0, 0.126514)
    nomad = "# 2000\n# Comment: neutron, Qmax=31.414, Qdamp=0.017659, Qbroad= 0.0191822\n#\n" + table(2)[0]
    m = read_gr(write(tmp_path, "mno.gr", nomad)).metadata
    assert (m["radiation"], m["qmax"], m["qdamp"], m["qbroad"]) == ("neutron", 31.414, 0.017659, 0.0191822)


def test_read_bare_two_column_file(tmp_path):
    rows, r, g = table(2)
    data = read_gr(write(tmp_path, "bare.gr", "# simulated\n" + rows))
    np.testing.assert_allclose(data.r, r)
    assert data.dG is None and set(data.metadata) == {"header"}
    with pytest.raises(ValueError, match="has no Qmax in its header; give --qmax"):
        require_qmax(data)


def test_is_gr_file(tmp_path):
    rows = table(2)[0]
    assert is_gr_file(write(tmp_path, "a.gr", PDFGETX3_HEADER + table(3)[0]))
    assert is_gr_file(write(tmp_path, "b.SGR", rows)) and is_gr_file(write(tmp_path, "c.fgr", rows))
    assert not is_gr_file(write(tmp_path, "d.xyz", rows))
    assert not is_gr_file(write(tmp_path, "e.gr", "1\nPt 0 0 0 extra words\n"))
    assert not is_gr_file(write(tmp_path, "f.gr", "1 2 3 4 5\n"))
    assert not is_gr_file(tmp_path / "missing.gr")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PDFGETX3_HEADER, "no data"),
        (PDFGETX3_HEADER + "0.01 0.1 0.05\n0.02 abc 0.05\n", f"line {PDFGETX3_HEADER.count(chr(10)) + 2} is not a row of num"),
        (PDFGETX3_HEADER + "".join(f"{x:.2f} 0.1 0.05\n" for x in np.arange(0.01, 12, 0.01)[::-1]), "r is not increasing"),
        ("".join(f"{x:.2f} 0.1\n" for x in np.arange(0, 12, 0.5)), "only 24 data rows"),
        ("".join(f"{x:.2f} 0.1\n" for x in np.arange(1.5, 20, 0.01)), "need G\\(r\\) from at most 0.5 A"),
        ("".join(f"{x:.2f} 0.1\n" for x in np.arange(0, 8, 0.01)), "to at least 10 A"),
        ("0 0\n0.01 nan\n", "NaN or infinite"),
        ("0 0 1\n0.01 0.1\n", "has 2 columns where the rows above have 3"),
        ("#L Q F(Q)\n" + table(2)[0], "function of Q"),
    ],
)
def test_bad_files_raise_one_line_naming_the_file(tmp_path, content, message):
    path = write(tmp_path, "bad.gr", content)
    with pytest.raises(ValueError, match=message) as error:
        read_gr(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_missing_qmax_and_bad_option(tmp_path):
    data = read_gr(write(tmp_path, "plain.gr", "# PDFgui\n# qmax=0   correction not applied\n" + table(2)[0]))
    with pytest.raises(ValueError, match="plain.gr: has no Qmax in its header; give --qmax"):
        require_qmax(data)
    with pytest.raises(ValueError, match="positive"):
        require_qmax(data, -1)
    with pytest.raises(ValueError, match="cannot be read"):
        read_gr(tmp_path / "missing.gr")
