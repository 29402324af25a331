from npshape import io
from npshape.descriptors import coulomb, rdf
from npshape.logs import log_to
from npshape.reporting import figures

log = log_to(snakemake.log[0])
settings = snakemake.params.settings
structures = [io.read_structure(path) for path in snakemake.input]
r = settings["rdf"]
grid = rdf.rdf_grid(r["fine_step"], r["fine_max"], r["coarse_step"], r["r_max"])
profiles, matrices = [], []
for atoms in structures:
    label = f"{atoms.info['class']} ({len(atoms)})"
    g, _ = rdf.rdf_profiles(atoms.get_positions(), atoms.numbers, grid, sigma_angstrom=r["sigma_angstrom"])
    profiles.append((label, grid, g))
    matrices.append((label, coulomb.coulomb_matrix(atoms.get_positions(), size=settings["cm"]["size"])))
figures.plot_rdf_profiles(profiles, snakemake.output.rdf)
figures.plot_coulomb_matrices(matrices, snakemake.output.cm)
log.info("wrote %s and %s", snakemake.output.rdf, snakemake.output.cm)
