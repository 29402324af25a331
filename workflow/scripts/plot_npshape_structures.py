from npshape import io
from npshape.descriptors.surface import surface_mask
from npshape.logs import log_to
from npshape.reporting import figures

log = log_to(snakemake.log[0])
panels = []
for path in snakemake.input:
    atoms = io.read_structure(path)
    if atoms.info["kept"]:
        positions = atoms.get_positions()
        panels.append((f"{atoms.info['id']} ({len(atoms)})", positions, surface_mask(positions)))
figures.plot_gallery(panels, snakemake.output[0], columns=12)
log.info("wrote %s with %d structures", snakemake.output[0], len(panels))
