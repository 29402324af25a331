# Stage 1: one job per catalog entry builds (and, if asked, relaxes) its structure.


rule build_structure:
    output:
        "results/structures/{set}/{id}.xyz",
    log:
        "results/logs/build_structure/{set}/{id}.log",
    benchmark:
        "results/benchmarks/build_structure/{set}/{id}.tsv"
    priority: PRIORITY_DATA
    group:
        "structures"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        entry=entry,
        bond_angstrom=config["structures"]["bond_angstrom"],
        sutton_chen=relax_settings,
    script:
        "../scripts/build_structure.py"


rule plot_structures:
    input:
        lambda w: structure_files(GALLERY_SETS[w.gallery]),
    output:
        report(
            "results/figures/{gallery}_structures.png",
            caption="../report/structures.rst",
            category="Structures",
        ),
    log:
        "results/logs/plot_structures/{gallery}.log",
    benchmark:
        "results/benchmarks/plot_structures/{gallery}.tsv"
    priority: PRIORITY_REPORT
    script:
        "../scripts/plot_structures.py"
