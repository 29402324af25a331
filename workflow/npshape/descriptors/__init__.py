"""Structure descriptors: radial distribution functions (rdf) and Coulomb matrices (coulomb),
with the surface detection (surface) that orders the Coulomb matrix."""
