"""Benchmark the whole study (paper config) on this machine: cold run, per-stage breakdown,
Snakemake's overhead, --cores 1 against --cores 2, a no-op rerun and an incremental rerun.

Run by hand from the repository root: ``python benchmarks/study.py [--cores N] [--skip-serial]
[--configfile OVERLAY]``. It copies the workflow (Snakefile, workflow/, config/) into a scratch
directory, so the repository's own results/ are left alone, and writes
``benchmarks/results/study.md`` (``study-<overlay name>.md`` with an overlay such as
``config/no-scan.yaml``).

- cold: ``snakemake --cores N`` from nothing; its wall time, and the sum of the job times
  Snakemake's ``benchmark:`` files record (``s`` column) per rule, with each rule's largest
  peak resident memory (``max_rss``). Overhead is the wall time
  minus that sum over the N cores: what scheduling, job start-up and waiting cost.
- serial: the same from nothing with ``--cores 1`` (the speed-up is its wall time over the
  cold run's); ``--skip-serial`` leaves it out (it takes about twice as long as cold).
- no-op: ``snakemake --cores N`` again, with everything up to date.
- incremental: one challenge structure's metal changes in the catalog; the dry run must list
  only that structure and what depends on it, and the real run's wall time is recorded.
"""

import argparse
import csv
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "study.md"
# The challenge entry whose parameter the incremental run changes, and what must rerun:
# its structure, the challenge features, each model's probabilities, the scores and figure.
CHANGED_ENTRY = "C01-IC147-Pt"
EXPECTED_RERUN = {
    "build_structure": 1,
    "featurize_challenge": 1,
    "classify_challenge": 4,
    "classify_challenge_npshape": 1,
    "challenge_scores": 1,
    "plot_challenge_matrix": 1,
    "plot_structures": 1,
    "all": 1,
}
# Goals of the issue that asked for this benchmark.
GOAL_COLD_MIN, GOAL_NOOP_S, GOAL_SPEEDUP, GOAL_OVERHEAD = 15.0, 3.0, 1.7, 0.20


def copy_workflow(destination: Path) -> Path:
    """Copy what a study needs (Snakefile, workflow/, config/, the profiles link) into ``destination``; return it."""
    shutil.copy(ROOT / "Snakefile", destination / "Snakefile")
    shutil.copytree(ROOT / "workflow", destination / "workflow", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "config", destination / "config")
    shutil.copy(ROOT / "profiles", destination / "profiles", follow_symlinks=False)
    return destination


def run_snakemake(workdir: Path, *args: str) -> tuple[float, str]:
    """Run snakemake in ``workdir``; return (wall time in s, its output). Fails loudly."""
    # the jobs import the copied package, so edits to the repository during a run change nothing
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(workdir / "workflow"), os.environ.get("PYTHONPATH", "")])}
    start = time.perf_counter()
    command = [sys.executable, "-m", "snakemake", *args]
    process = subprocess.run(command, cwd=workdir, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"snakemake {' '.join(args)} failed in {workdir}:\n{process.stderr[-3000:]}")
    return wall, process.stdout + process.stderr


def job_records(workdir: Path) -> dict[str, list[tuple[float, float]]]:
    """Return (job time in s, peak RSS in MB) of every benchmark file, by rule."""
    records = defaultdict(list)
    root = workdir / "results" / "benchmarks"
    for path in root.rglob("*.tsv"):
        rule = path.relative_to(root).parts[0].removesuffix(".tsv")
        with open(path) as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        records[rule].extend((float(row["s"]), _megabytes(row["max_rss"])) for row in rows)
    return records


def _megabytes(value: str) -> float:
    """Return a benchmark file's memory entry in MB ("NA", for a job too short to sample, as 0)."""
    return 0.0 if value == "NA" else float(value)


def job_counts(dry_run_output: str) -> dict[str, int]:
    """Return {rule: jobs} from the job table a dry run prints."""
    table = dry_run_output.split("Job stats:", 1)[-1]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", table, re.MULTILINE) if rule != "total"}


def cold_run(cores: int, config_args: tuple[str, ...]) -> tuple[float, dict[str, list[tuple[float, float]]], Path]:
    """Run the study (``config_args``: an overlay, if any) from nothing; return (wall s, job records by rule, workdir)."""
    workdir = copy_workflow(Path(tempfile.mkdtemp(prefix=f"npshape-study-{cores}-")))
    print(f"cold run, --cores {cores}, in {workdir} ...", flush=True)
    wall, _ = run_snakemake(workdir, *config_args, "--cores", str(cores))
    print(f"  {wall / 60:.1f} min", flush=True)
    return wall, job_records(workdir), workdir


def change_one_entry(workdir: Path) -> str:
    """Make the challenge entry CHANGED_ENTRY silver instead of platinum; return the catalog as it was."""
    catalog_path = workdir / "config" / "structures.yaml"
    original = catalog_path.read_text()
    lines = original.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if f"id: {CHANGED_ENTRY}," in line)
    if "metal: Pt," not in lines[index]:
        raise SystemExit(f"{catalog_path}: expected {CHANGED_ENTRY} to be a Pt entry")
    lines[index] = lines[index].replace("metal: Pt,", "metal: Ag,")
    catalog_path.write_text("".join(lines))
    return original


def breakdown_table(records: dict[str, list[tuple[float, float]]], total: float) -> list[str]:
    """Return markdown rows: rule, jobs, summed job time, share of all job time, longest job, peak RSS."""
    rows = [
        "| rule | jobs | job time, s | share | longest job, s | peak RSS, MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rule, jobs in sorted(records.items(), key=lambda item: -sum(s for s, _ in item[1])):
        seconds, rss = [s for s, _ in jobs], [m for _, m in jobs]
        rows.append(
            f"| {rule} | {len(jobs)} | {sum(seconds):.1f} | {sum(seconds) / total:.1%} | {max(seconds):.1f} "
            f"| {max(rss):.0f} |"
        )
    return rows


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2, help="cores of the cold run (default 2)")
    parser.add_argument("--skip-serial", action="store_true", help="leave out the --cores 1 cold run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument("--configfile", help="a config overlay of the repository, e.g. config/no-scan.yaml")
    args = parser.parse_args()
    overlay = args.configfile
    config_args = () if overlay is None else ("--configfile", overlay)
    results = RESULTS if overlay is None else RESULTS.with_name(f"study-{Path(overlay).stem}.md")
    run = ("--cores", str(args.cores), *config_args)

    load_before = os.getloadavg()[0]
    wall, records, workdir = cold_run(args.cores, config_args)
    compute = sum(s for jobs in records.values() for s, _ in jobs)
    overhead = wall - compute / args.cores

    print("no-op rerun ...", flush=True)
    noop_wall, noop_output = run_snakemake(workdir, *run)
    nothing_to_do = "Nothing to be done" in noop_output

    print("incremental rerun ...", flush=True)
    original_catalog = change_one_entry(workdir)
    _, dry = run_snakemake(workdir, "-n", *run)
    rerun_jobs = job_counts(dry)
    incremental_wall, _ = run_snakemake(workdir, *run)
    # back to the paper's catalog, so that the results kept (--keep) are the study's
    (workdir / "config" / "structures.yaml").write_text(original_catalog)
    run_snakemake(workdir, *run)

    serial = None
    if not args.skip_serial:
        serial_wall, _, serial_dir = cold_run(1, config_args)
        serial = serial_wall
        if not args.keep:
            shutil.rmtree(serial_dir)
    if not args.keep:
        shutil.rmtree(workdir)

    import numpy
    import sklearn

    lines = [
        "# Study benchmark" + ("" if overlay is None else f": the study with `{overlay}`"),
        "",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"`python benchmarks/study.py{'' if overlay is None else ' --configfile ' + overlay}`",
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} logical cores; "
        f"load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f}",
        f"- Python {platform.python_version()}, numpy {numpy.__version__}, scikit-learn {sklearn.__version__}",
        "- config: `config/config.yaml` (the paper's study: 30 x 1000 replicas, four models, 5-fold CV, "
        "24-architecture scan, 32 challenge structures)"
        + ("" if overlay is None else f", with `{overlay}` on top"),
        "",
        "## Against the goals",
        "",
        "| measure | value | goal | |",
        "| --- | ---: | ---: | --- |",
        f"| cold run, --cores {args.cores} | {wall / 60:.1f} min | <= {GOAL_COLD_MIN:.0f} min | "
        f"{verdict(wall / 60 <= GOAL_COLD_MIN)} |",
        f"| no-op rerun | {noop_wall:.1f} s ({'nothing to be done' if nothing_to_do else 'jobs ran!'}) | "
        f"<= {GOAL_NOOP_S:.0f} s | {verdict(noop_wall <= GOAL_NOOP_S and nothing_to_do)} |",
    ]
    if serial is not None:
        lines.append(
            f"| speed-up, --cores 1 ({serial / 60:.1f} min) over --cores {args.cores} | {serial / wall:.2f} | "
            f">= {GOAL_SPEEDUP} | {verdict(serial / wall >= GOAL_SPEEDUP)} |"
        )
    lines += [
        f"| Snakemake overhead: wall - job time / cores | {overhead:.0f} s = {overhead / wall:.1%} of wall | "
        f"<= {GOAL_OVERHEAD:.0%} | {verdict(overhead / wall <= GOAL_OVERHEAD)} |",
        f"| incremental rerun after changing `{CHANGED_ENTRY}` | {incremental_wall:.1f} s | | |",
        "",
        f"Job time summed over all jobs: {compute:.0f} s ({compute / 60:.1f} min) of compute on "
        f"{args.cores} cores in {wall:.0f} s of wall time.",
        "",
        "## Incremental rerun",
        "",
        f"`{CHANGED_ENTRY}` became silver (Pt -> Ag, relaxed with the Ag set); the dry run listed "
        + ", ".join(f"{rule} {n}" for rule, n in sorted(rerun_jobs.items()))
        + (
            " - exactly the structure and what depends on it."
            if rerun_jobs == EXPECTED_RERUN
            else f" - **expected {EXPECTED_RERUN}**."
        ),
        "",
        f"## Where the time goes (cold run, --cores {args.cores})",
        "",
        *breakdown_table(records, compute),
        "",
    ]
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text("\n".join(lines))
    print(f"wrote {results}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
