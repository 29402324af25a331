# Stage 2: augmentation shards of each training structure, then one feature file per
# descriptor and shard; the challenge structures are featurised without augmentation.


rule augment:
    input:
        "results/structures/train/{id}.xyz",
    output:
        "results/augmented/{id}/shard-{k}.parquet",
    log:
        "results/logs/augment/{id}/shard-{k}.log",
    benchmark:
        "results/benchmarks/augment/{id}/shard-{k}.tsv"
    priority: PRIORITY_DATA
    group:
        "features"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        seed=config["seed"],
        augmentation=config["augmentation"],
    script:
        "../scripts/augment.py"


rule featurize_rdf:
    input:
        "results/augmented/{id}/shard-{k}.parquet",
    output:
        rdf="results/features/rdf/{id}/shard-{k}.parquet",
        drdf="results/features/drdf/{id}/shard-{k}.parquet",
    log:
        "results/logs/featurize_rdf/{id}/shard-{k}.log",
    benchmark:
        "results/benchmarks/featurize_rdf/{id}/shard-{k}.tsv"
    priority: PRIORITY_DATA
    group:
        "features"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=config["descriptors"]["rdf"],
    script:
        "../scripts/featurize.py"


rule featurize_cm:
    input:
        "results/augmented/{id}/shard-{k}.parquet",
    output:
        cm="results/features/cm/{id}/shard-{k}.parquet",
    log:
        "results/logs/featurize_cm/{id}/shard-{k}.log",
    benchmark:
        "results/benchmarks/featurize_cm/{id}/shard-{k}.tsv"
    priority: PRIORITY_DATA
    group:
        "features"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=config["descriptors"]["cm"],
    script:
        "../scripts/featurize.py"


rule featurize_challenge:
    input:
        structure_files("challenge"),
    output:
        rdf="results/features/rdf/challenge.parquet",
        drdf="results/features/drdf/challenge.parquet",
        cm="results/features/cm/challenge.parquet",
    log:
        "results/logs/featurize_challenge.log",
    benchmark:
        "results/benchmarks/featurize_challenge.tsv"
    priority: PRIORITY_DATA
    params:
        settings=config["descriptors"],
    script:
        "../scripts/featurize_challenge.py"


rule assemble_features:
    input:
        lambda w: feature_shards(w.descriptor),
    output:
        matrix="results/datasets/{descriptor}.npy",
        row_keys="results/datasets/{descriptor}.keys.parquet",
    log:
        "results/logs/assemble_features/{descriptor}.log",
    benchmark:
        "results/benchmarks/assemble_features/{descriptor}.tsv"
    priority: PRIORITY_DATA
    script:
        "../scripts/assemble_features.py"
