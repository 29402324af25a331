# Stage 1: one job per catalog entry builds (and, if asked, relaxes) its structure.


rule build_structure:
    output:
        "results/structures/{set}/{id}.xyz",
    log:
        "results/logs/build_structure/{set}/{id}.log",
    benchmark:
        "results/benchmarks/build_structure/{set}/{id}.tsv"
    params:
        entry=entry,
        bond_angstrom=config["structures"]["bond_angstrom"],
        sutton_chen=relax_settings,
    script:
        "../scripts/build_structure.py"


rule plot_training_structures:
    input:
        structure_files("train"),
    output:
        report(
            "results/figures/training_structures.png",
            caption="../report/training_structures.rst",
            category="Structures",
        ),
    log:
        "results/logs/plot_training_structures.log",
    benchmark:
        "results/benchmarks/plot_training_structures.tsv"
    script:
        "../scripts/plot_structures.py"
