"""Radial distribution function descriptors g(r̃) and g'(r̃) (paper eqs. 2-3).

The profile of a structure with atomic numbers b_i is

    g(r) = Σ_i Σ_{j≠i} (b_i b_j / ⟨b⟩²) N(r - r_ij; σ),   N a normalised Gaussian, σ = 0.2 Å,

rescaled to r̃ = r / R_NN1, where R_NN1 is the position of its first peak, and divided
by its value there, so that g(r̃ = 1) = 1 and g'(1) = 0. σ stays 0.2 Å in r, so peaks
are σ̃ = σ / R_NN1 wide in r̃. g'(r̃) = dg/dr̃ is the analytic derivative of that same
normalised profile (a sum of Gaussian derivatives), not a finite difference.

The parts, one module each:

- ``grid``: the paper's two-step grid in r̃ and the feature column names;
- ``pairs``: pair weights b_i b_j / ⟨b⟩² and the batch layout of positions;
- ``peak``: R_NN1, the position of the first peak, shared by both implementations;
- ``direct``: ``rdf_profiles_direct`` sums every pair's Gaussian on every grid point (the reference);
- ``fast``: ``rdf_profiles``, the same profiles by Taylor moments and FFTs, exact to 1e-8;
- ``compiled``: the lazily compiled (numba) loops over every pair.
"""

from npshape.descriptors.rdf.direct import rdf_profiles_direct
from npshape.descriptors.rdf.fast import BondOutOfRange, rdf_profiles
from npshape.descriptors.rdf.grid import R_MAX_DEFAULT, SIGMA_ANGSTROM, rdf_column_names, rdf_grid
from npshape.descriptors.rdf.pairs import pair_weights
from npshape.descriptors.rdf.peak import first_peak, first_peak_position

__all__ = [
    "BondOutOfRange",
    "R_MAX_DEFAULT",
    "SIGMA_ANGSTROM",
    "first_peak",
    "first_peak_position",
    "pair_weights",
    "rdf_column_names",
    "rdf_grid",
    "rdf_profiles",
    "rdf_profiles_direct",
]
