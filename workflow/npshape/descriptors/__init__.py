"""Stage 2, descriptors: radial distribution functions (rdf), Coulomb matrices (coulomb) with
the surface detection that orders them (surface), and feature frames of both (feature_frames)."""
