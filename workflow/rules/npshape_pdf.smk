# npshape's model of measured pair distribution functions: npshape's replicas, each measured once
# as an instrument would (radiation, Q range, damping, noise drawn per replica; in npshape_features,
# which has the replicas at hand), the same ensemble, calibration and novelty as the structure
# model, and what it tells apart at Qmax 15, 20, 25.


rule npshape_pdf_dataset:
    input:
        npshape_files("pdf_features", ".parquet"),
    output:
        matrix="results/npshape/pdf_dataset.npy",
        row_keys="results/npshape/pdf_dataset.keys.parquet",
    log:
        "results/logs/npshape_pdf_dataset.log",
    benchmark:
        "results/benchmarks/npshape_pdf_dataset.tsv"
    priority: PRIORITY_DATA
    script:
        "../scripts/assemble_features.py"


rule calibrate_npshape_pdf:
    input:
        matrix="results/npshape/pdf_dataset.npy",
        row_keys="results/npshape/pdf_dataset.keys.parquet",
        splits="results/npshape/splits.parquet",
    output:
        "results/npshape/pdf_temperature.json",
    log:
        "results/logs/calibrate_npshape_pdf.log",
    benchmark:
        "results/benchmarks/calibrate_npshape_pdf.tsv"
    priority: PRIORITY_MODEL
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        training=NPSHAPE_PDF["training"],
        held_out=npshape_held_out_variants(),
    script:
        "../scripts/calibrate_npshape.py"


rule train_npshape_pdf:
    input:
        matrix="results/npshape/pdf_dataset.npy",
        row_keys="results/npshape/pdf_dataset.keys.parquet",
        splits="results/npshape/splits.parquet",
        temperature="results/npshape/pdf_temperature.json",
    output:
        model="results/models/npshape-pdf.skops",
        card="results/models/npshape-pdf.json",
        confusion="results/tables/confusion_npshape-pdf.csv",
    log:
        "results/logs/train_npshape_pdf.log",
    benchmark:
        "results/benchmarks/train_npshape_pdf.tsv"
    priority: PRIORITY_MODEL
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        training=NPSHAPE_PDF["training"],
        seed=config["seed"],
        catalog=NPSHAPE["catalog"],
        relax_metals=NPSHAPE["relax_metals"],
        replicas=NPSHAPE["replicas"],
        variants=list(NPSHAPE_VARIANTS),
        novelty=NPSHAPE_PDF["novelty"],
        model="npshape-pdf",
        descriptors=NPSHAPE_PDF_DESCRIPTORS,
        novelty_prefixes=["pdf_"],  # G(r̃), not the Qmax
        extra_provenance={"measurement": NPSHAPE_PDF["measurement"]},
    script:
        "../scripts/train_npshape.py"


rule evaluate_npshape_pdf:
    input:
        model="results/models/npshape-pdf.skops",
        structures="results/evaluation/in_domain.xyz",
        out_of_domain="results/evaluation/out_of_domain.xyz",
    output:
        accuracy=report("results/tables/pdf_accuracy.csv", caption="../report/pdf_accuracy.rst", category="Tables"),
        confusion=[
            report(f"results/tables/pdf_confusion_q{q}.csv", caption="../report/pdf_confusion.rst", category="Tables")
            for q in PDF_EVALUATION_QMAX
        ],
        unknown=report("results/tables/pdf_unknown_rates.csv", caption="../report/pdf_unknown_rates.rst", category="Tables"),
    log:
        "results/logs/evaluate_npshape_pdf.log",
    benchmark:
        "results/benchmarks/evaluate_npshape_pdf.tsv"
    priority: PRIORITY_REPORT
    params:
        qmax=PDF_EVALUATION_QMAX,
        seed=config["seed"],
    script:
        "../scripts/evaluate_npshape_pdf.py"


rule ship_npshape_pdf_model:
    """Put the rebuilt PDF model into the package (not part of `all`: `snakemake --cores N ship_npshape_pdf_model`)."""
    input:
        model="results/models/npshape-pdf.skops",
        accuracy="results/tables/pdf_accuracy.csv",
    output:
        "workflow/npshape/data/npshape-pdf.skops",
    log:
        "results/logs/ship_npshape_pdf_model.log",
    script:
        "../scripts/ship_pdf_model.py"
