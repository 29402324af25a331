# npshape's own model, the one that ships: its catalog's structures (as built and relaxed with
# each metal, kept if still their class), replicas as simulations give them, features, the
# ensemble, and its scores on the challenge set and on the independent evaluation sets.


rule npshape_structure:
    output:
        "results/npshape/structures/{variant}.xyz",
    log:
        "results/logs/npshape_structure/{variant}.log",
    benchmark:
        "results/benchmarks/npshape_structure/{variant}.tsv"
    priority: PRIORITY_DATA
    group:
        "structures"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        variant=npshape_variant,
        bond_angstrom=config["structures"]["bond_angstrom"],
        sutton_chen=config["sutton_chen"],
        relax_metals=NPSHAPE["relax_metals"],
    script:
        "../scripts/npshape_structure.py"


rule npshape_features:
    """The replicas of one training copy, their features, and their PDFs as measured (npshape_pdf.smk)."""
    input:
        "results/npshape/structures/{variant}.xyz",
    output:
        replicas="results/npshape/replicas/{variant}.parquet",
        features="results/npshape/features/{variant}.parquet",
        pdf_features="results/npshape/pdf_features/{variant}.parquet",
    log:
        "results/logs/npshape_features/{variant}.log",
    benchmark:
        "results/benchmarks/npshape_features/{variant}.tsv"
    priority: PRIORITY_DATA
    group:
        "features"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        seed=config["seed"],
        replicas=NPSHAPE["replicas"],
        descriptors=NPSHAPE["descriptors"],
        pdf_descriptor=NPSHAPE_PDF["descriptor"],
        measurement=NPSHAPE_PDF["measurement"],
    script:
        "../scripts/npshape_features.py"


rule npshape_dataset:
    input:
        npshape_files("features", ".parquet"),
    output:
        matrix="results/npshape/dataset.npy",
        row_keys="results/npshape/dataset.keys.parquet",
    log:
        "results/logs/npshape_dataset.log",
    benchmark:
        "results/benchmarks/npshape_dataset.tsv"
    priority: PRIORITY_DATA
    script:
        "../scripts/assemble_features.py"


rule npshape_splits:
    output:
        "results/npshape/splits.parquet",
    log:
        "results/logs/npshape_splits.log",
    benchmark:
        "results/benchmarks/npshape_splits.tsv"
    priority: PRIORITY_DATA
    params:
        structures=[(variant, entry["class"]) for variant, (entry, _) in NPSHAPE_VARIANTS.items()],
        replicas=NPSHAPE["replicas"]["count"],
        seed=config["seed"],
        splits=NPSHAPE["splits"],
    script:
        "../scripts/make_splits.py"


rule calibrate_npshape:
    input:
        matrix="results/npshape/dataset.npy",
        row_keys="results/npshape/dataset.keys.parquet",
        splits="results/npshape/splits.parquet",
    output:
        "results/npshape/temperature.json",
    log:
        "results/logs/calibrate_npshape.log",
    benchmark:
        "results/benchmarks/calibrate_npshape.tsv"
    priority: PRIORITY_MODEL
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        training=NPSHAPE["training"],
        held_out=npshape_held_out_variants(),
    script:
        "../scripts/calibrate_npshape.py"


rule train_npshape:
    input:
        matrix="results/npshape/dataset.npy",
        row_keys="results/npshape/dataset.keys.parquet",
        splits="results/npshape/splits.parquet",
        temperature="results/npshape/temperature.json",
    output:
        model="results/models/npshape.skops",
        card="results/models/npshape.json",
        confusion="results/tables/confusion_npshape.csv",
    log:
        "results/logs/train_npshape.log",
    benchmark:
        "results/benchmarks/train_npshape.tsv"
    priority: PRIORITY_MODEL
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        training=NPSHAPE["training"],
        seed=config["seed"],
        catalog=NPSHAPE["catalog"],
        relax_metals=NPSHAPE["relax_metals"],
        replicas=NPSHAPE["replicas"],
        variants=list(NPSHAPE_VARIANTS),
        novelty=NPSHAPE["novelty"],
        model="npshape",
        descriptors=NPSHAPE_DESCRIPTORS,
        novelty_prefixes=["angle_", "cn_"],  # the local order
        extra_provenance={},
    script:
        "../scripts/train_npshape.py"


rule classify_challenge_npshape:
    input:
        model="results/models/npshape.skops",
        structures=structure_files("challenge"),
    output:
        "results/tables/challenge_probabilities_npshape.csv",
    log:
        "results/logs/classify_challenge/npshape.log",
    benchmark:
        "results/benchmarks/classify_challenge/npshape.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/classify_structures.py"


rule evaluation_sets:
    output:
        in_domain="results/evaluation/in_domain.xyz",
        out_of_domain="results/evaluation/out_of_domain.xyz",
    log:
        "results/logs/evaluation_sets.log",
    benchmark:
        "results/benchmarks/evaluation_sets.tsv"
    priority: PRIORITY_DATA
    params:
        quick=config["evaluation"]["quick"],
    script:
        "../scripts/evaluation_sets.py"


rule classify_evaluation_set:
    input:
        model=lambda w: f"results/models/{w.any_model}.skops",
        structures=["results/evaluation/in_domain.xyz"],
    output:
        "results/evaluation/in_domain_{any_model}.csv",
    log:
        "results/logs/classify_evaluation_set/{any_model}.log",
    benchmark:
        "results/benchmarks/classify_evaluation_set/{any_model}.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/classify_structures.py"


rule classify_out_of_domain:
    input:
        model="results/models/npshape.skops",
        structures=["results/evaluation/out_of_domain.xyz"],
    output:
        "results/evaluation/out_of_domain_npshape.csv",
    log:
        "results/logs/classify_out_of_domain.log",
    benchmark:
        "results/benchmarks/classify_out_of_domain.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/classify_structures.py"


rule npshape_trust_tables:
    input:
        card="results/models/npshape.json",
        temperature="results/npshape/temperature.json",
        in_domain="results/evaluation/in_domain_npshape.csv",
        out_of_domain="results/evaluation/out_of_domain_npshape.csv",
    output:
        calibration=report("results/tables/calibration.csv", caption="../report/calibration.rst", category="Tables"),
        unknown=report("results/tables/unknown_rates.csv", caption="../report/unknown_rates.rst", category="Tables"),
    log:
        "results/logs/npshape_trust_tables.log",
    benchmark:
        "results/benchmarks/npshape_trust_tables.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/npshape_trust_tables.py"


rule evaluation_accuracy:
    input:
        expand("results/evaluation/in_domain_{any_model}.csv", any_model=EVALUATED_MODELS),
    output:
        report("results/tables/evaluation_accuracy.csv", caption="../report/evaluation_accuracy.rst", category="Tables"),
    log:
        "results/logs/evaluation_accuracy.log",
    benchmark:
        "results/benchmarks/evaluation_accuracy.tsv"
    priority: PRIORITY_REPORT
    params:
        models=EVALUATED_MODELS,
    script:
        "../scripts/evaluation_accuracy.py"


rule plot_npshape_structures:
    input:
        npshape_files("structures", ".xyz"),
    output:
        report("results/figures/npshape_structures.png", caption="../report/npshape_structures.rst", category="Structures"),
    log:
        "results/logs/plot_npshape_structures.log",
    benchmark:
        "results/benchmarks/plot_npshape_structures.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/plot_npshape_structures.py"


rule ship_npshape_model:
    """Put the rebuilt model into the package, its challenge and evaluation scores in its card.
    Not part of `all`: `snakemake --cores N ship_npshape_model`."""
    input:
        model="results/models/npshape.skops",
        challenge="results/tables/challenge_scores.csv",
        evaluation="results/tables/evaluation_accuracy.csv",
    output:
        "workflow/npshape/data/npshape.skops",
    log:
        "results/logs/ship_npshape_model.log",
    script:
        "../scripts/ship_model.py"
