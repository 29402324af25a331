"""Stage 1, structures: lattices, shape families, geometry, Sutton-Chen relaxation, the catalog."""
