# Stage 3: splits, the four classifiers, cross-validation folds, the architecture scan,
# and class probabilities of the challenge structures.
# Training jobs keep Snakemake's default of one thread (so one BLAS thread): the rounding of
# a multi-threaded matrix product can depend on the thread count, and predictions must not
# depend on --cores. Parallelism comes from the many independent fits (models, folds, scan).


rule make_splits:
    output:
        "results/splits.parquet",
    log:
        "results/logs/make_splits.log",
    benchmark:
        "results/benchmarks/make_splits.tsv"
    priority: PRIORITY_DATA
    params:
        structures=[(e["id"], e["class"]) for e in CATALOG["train"]],
        replicas=config["augmentation"]["replicas"],
        seed=config["seed"],
        splits=config["splits"],
    script:
        "../scripts/make_splits.py"


rule train_model:
    input:
        unpack(model_features),
        splits="results/splits.parquet",
    output:
        model="results/models/{model}.skops",
        card="results/models/{model}.json",
        confusion="results/tables/confusion_{model}.csv",
    log:
        "results/logs/train_model/{model}.log",
    benchmark:
        "results/benchmarks/train_model/{model}.tsv"
    priority: PRIORITY_MODEL
    resources:
        mem_mb=training_mem_mb,
        runtime=120,
    params:
        training=config["models"],
        seed=config["seed"],
    script:
        "../scripts/train_model.py"


rule cross_validate:
    input:
        unpack(model_features),
        splits="results/splits.parquet",
        card="results/models/{model}.json",
    output:
        "results/cv/{model}/fold-{fold}.json",
    log:
        "results/logs/cross_validate/{model}/fold-{fold}.log",
    benchmark:
        "results/benchmarks/cross_validate/{model}/fold-{fold}.tsv"
    priority: PRIORITY_FOLD
    resources:
        mem_mb=training_mem_mb,
        runtime=120,
    params:
        training=config["models"],
    script:
        "../scripts/cross_validate.py"


rule scan_architecture:
    input:
        unpack(model_features),
        splits="results/splits.parquet",
    output:
        "results/scan/{model}/{layers}x{neurons}.json",
    log:
        "results/logs/scan_architecture/{model}/{layers}x{neurons}.log",
    benchmark:
        "results/benchmarks/scan_architecture/{model}/{layers}x{neurons}.tsv"
    priority: scan_priority
    resources:
        mem_mb=training_mem_mb,
        runtime=120,
    params:
        training=config["models"],
        folds=config["splits"]["cv_folds"],
    script:
        "../scripts/scan_architecture.py"


rule classify_challenge:
    input:
        model="results/models/{model}.skops",
        features=challenge_features,
    output:
        "results/tables/challenge_probabilities_{model}.csv",
    log:
        "results/logs/classify_challenge/{model}.log",
    benchmark:
        "results/benchmarks/classify_challenge/{model}.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/classify_challenge.py"
