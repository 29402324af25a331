import ase.io

from npshape import io
from npshape.classes import CLASS_LABELS
from npshape.classify.predictor import Predictor
from npshape.descriptors.pdf import scattering_known
from npshape.learning.augment import replica_seed
from npshape.logs import log_to
from npshape.reporting import evaluation_tables

log = log_to(snakemake.log[0])
predictor = Predictor.from_file(snakemake.input.model)
clusters = ase.io.read(snakemake.input.structures, ":")
answers = evaluation_tables.pdf_answers(predictor, clusters, snakemake.params.qmax, snakemake.params.seed, replica_seed)
accuracy = evaluation_tables.pdf_accuracy(answers)
io.write_csv(accuracy, snakemake.output.accuracy, float_format="%.3f")
for qmax, path in zip(snakemake.params.qmax, snakemake.output.confusion):
    io.write_csv(evaluation_tables.pdf_confusion(answers, f"Qmax {qmax}", CLASS_LABELS), path, index=True)
log.info("\n%s", accuracy.to_string(index=False))

# the out-of-domain set, where every element's scattering is known (not, e.g., Mg in MgO)
out_of_domain = []
for atoms in ase.io.read(snakemake.input.out_of_domain, ":"):
    if scattering_known(atoms.numbers):
        atoms.info["class"] = atoms.info["kind"]
        out_of_domain.append(atoms)
    else:
        log.info("%s left out: no scattering data for one of its elements", atoms.info["id"])
ood_answers = evaluation_tables.pdf_answers(predictor, out_of_domain, snakemake.params.qmax, snakemake.params.seed, replica_seed)
unknown = evaluation_tables.pdf_unknown_rates(answers, ood_answers)
io.write_csv(unknown, snakemake.output.unknown, float_format="%.3f")
log.info("\n%s", unknown.to_string(index=False))
