# Stage 4: the paper's tables and figures, ours beside the paper's numbers.


rule table1:
    input:
        cards=expand("results/models/{model}.json", model=MODELS),
        cv=expand("results/cv/{model}/fold-{fold}.json", model=MODELS, fold=range(config["splits"]["cv_folds"])),
    output:
        report("results/tables/table1.csv", caption="../report/table1.rst", category="Tables"),
    log:
        "results/logs/table1.log",
    benchmark:
        "results/benchmarks/table1.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/table1.py"


rule table_s1:
    input:
        scan=scan_results(),
        cards=expand("results/models/{model}.json", model=scan_main_models()),
        cv=expand("results/cv/{model}/fold-{fold}.json", model=scan_main_models(), fold=range(config["splits"]["cv_folds"])),
    output:
        report("results/tables/table_s1.csv", caption="../report/table_s1.rst", category="Tables"),
    log:
        "results/logs/table_s1.log",
    benchmark:
        "results/benchmarks/table_s1.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/table_s1.py"


rule challenge_scores:
    input:
        expand("results/tables/challenge_probabilities_{any_model}.csv", any_model=ALL_MODELS),
    output:
        report("results/tables/challenge_scores.csv", caption="../report/challenge_scores.rst", category="Tables"),
    log:
        "results/logs/challenge_scores.log",
    benchmark:
        "results/benchmarks/challenge_scores.tsv"
    priority: PRIORITY_REPORT
    params:
        models=ALL_MODELS,
        entries=CATALOG["challenge"],
    script:
        "../scripts/challenge_scores.py"


rule plot_challenge_matrix:
    input:
        expand("results/tables/challenge_probabilities_{any_model}.csv", any_model=ALL_MODELS),
    output:
        report("results/figures/challenge_matrix.png", caption="../report/challenge_matrix.rst", category="Figures"),
    log:
        "results/logs/plot_challenge_matrix.log",
    benchmark:
        "results/benchmarks/plot_challenge_matrix.tsv"
    priority: PRIORITY_REPORT
    params:
        models=ALL_MODELS,
        entries=CATALOG["challenge"],
    script:
        "../scripts/plot_challenge_matrix.py"


rule plot_confusion:
    input:
        "results/tables/confusion_{model}.csv",
    output:
        report("results/figures/confusion_{model}.png", caption="../report/confusion.rst", category="Figures"),
    log:
        "results/logs/plot_confusion/{model}.log",
    benchmark:
        "results/benchmarks/plot_confusion/{model}.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/plot_confusion.py"


rule plot_descriptors:
    input:
        largest_per_class(),
    output:
        rdf=report("results/figures/rdf_profiles.png", caption="../report/rdf_profiles.rst", category="Figures"),
        cm=report("results/figures/coulomb_matrices.png", caption="../report/coulomb_matrices.rst", category="Figures"),
    log:
        "results/logs/plot_descriptors.log",
    benchmark:
        "results/benchmarks/plot_descriptors.tsv"
    priority: PRIORITY_REPORT
    params:
        settings=config["descriptors"],
    script:
        "../scripts/plot_descriptors.py"
