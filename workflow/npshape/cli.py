"""The ``npshape`` command: build catalog structures, Sutton-Chen energies, classify structures."""

from __future__ import annotations

import argparse
import contextlib
import csv
import sys

import yaml

from npshape import __version__

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


def load_config(path: str) -> dict:
    """Return the study configuration read from ``path``."""
    try:
        with open(path) as handle:
            return yaml.safe_load(handle)
    except OSError as error:
        raise InputError(f"{path}: cannot read the configuration ({error.strerror}); pass --config") from None


def cmd_build(args: argparse.Namespace) -> int:
    """Build one catalog entry and write its extended XYZ file, as the workflow does."""
    from npshape import io
    from npshape.structures import build, catalog

    config = load_config(args.config)
    catalog_path = args.catalog or config["catalog"]
    entries = catalog.entries_by_id(catalog.load_catalog(catalog_path))
    if args.id not in entries:
        raise InputError(f"{catalog_path}: no entry with id {args.id!r}")
    entry = entries[args.id]
    relax = build.RelaxSettings.from_config(config["sutton_chen"]) if entry["relax"] else None
    atoms = build.build_structure(entry, config["structures"]["bond_angstrom"], relax)
    output = args.output or f"results/structures/{entry['set']}/{entry['id']}.xyz"
    io.write_structure(atoms, output)
    print(f"{output}: {len(atoms)} atoms" + (f", E = {atoms.info['energy_eV']:.6f} eV" if relax else ""))
    return 0


def cmd_energy(args: argparse.Namespace) -> int:
    """Print CSV ``structure,natoms,energy_eV,frame``: the Sutton-Chen energy of every frame, every pair counted."""
    from npshape.classify.inputs import iter_frames
    from npshape.structures import sutton_chen

    config = load_config(args.config)
    metals = {
        name: sutton_chen.SuttonChenParameters.from_mapping(p) for name, p in config["sutton_chen"]["metals"].items()
    }
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["structure", "natoms", "energy_eV", "frame"])
    status = 0
    for frame in (frame for path in args.files for frame in iter_frames(path)):
        atoms = frame.atoms
        symbols = [] if atoms is None else [args.metal] * len(atoms) if args.metal else atoms.get_chemical_symbols()
        unknown = sorted(set(symbols) - set(metals))
        if atoms is None or unknown:
            missing = f"no Sutton-Chen parameters for {', '.join(unknown)}; use --metal"
            problem = frame.error or f"{frame.path}: frame {frame.index}: {missing}"
            print(f"npshape energy: {problem}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        energy = sutton_chen.energy(atoms.get_positions(), symbols, metals)
        writer.writerow([frame.path, len(atoms), f"{energy:.6f}", frame.index])
    return status


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify every frame of structure files; write CSV (or a readable table on stdout)."""
    from npshape.classify import run
    from npshape.classify.predictor import Predictor

    predictor = Predictor.from_file(args.model or run.shipped_model())
    columns = run.header(predictor.classes)
    status = 0
    progress = Progress(enabled=not args.quiet and args.output is not None and sys.stderr.isatty())
    with table_writer(args.output, columns, width=max(len(path) for path in args.files)) as write:
        pdf_model = (lambda: Predictor.from_file(args.pdf_model)) if args.pdf_model else None
        for item in run.classify_files(args.files, predictor, args.frames, args.closed_set, pdf_model, args.qmax):
            if isinstance(item, run.Row):
                probabilities = [float(p) for p in item.probabilities]
                extra = [item.frame, item.confidence, item.novelty, item.n_atoms, item.r_nn1, item.nearest]
                write([item.structure, item.predicted, *probabilities, *extra])
                progress.step(item.structure)
            else:
                progress.say(f"npshape classify: {item}")
                status = EXIT_BAD_INPUT
    progress.close()
    return status


class Progress:
    """A one-line count of the frames classified, redrawn on stderr at most every REDRAW_SECONDS.

    Only for a terminal (a log file or a pipe gets the error lines alone) and only when the
    rows go to a file (a table on the terminal already shows them)."""

    REDRAW_SECONDS = 0.5

    def __init__(self, enabled: bool):
        import time

        self.enabled, self.clock = enabled, time.monotonic
        self.frames, self.start, self.drawn = 0, self.clock(), None

    def step(self, path: str) -> None:
        """Count one classified frame of ``path``; redraw the line if it is time."""
        self.frames += 1
        now = self.clock()
        if self.enabled and (self.drawn is None or now - self.drawn >= self.REDRAW_SECONDS):
            rate = self.frames / max(now - self.start, 1e-9)
            line = f"npshape classify: {self.frames} frames, {rate:.0f} per s, {path}"
            print(f"\r\033[K{line}", end="", file=sys.stderr, flush=True)
            self.drawn = now

    def say(self, line: str) -> None:
        """Print a message line on stderr (under the progress line, which is redrawn after it)."""
        if self.drawn is not None:
            print("\r\033[K", end="", file=sys.stderr)
            self.drawn = 0.0
        print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        """End the progress line with the total."""
        if self.drawn is not None:
            seconds = self.clock() - self.start
            print(f"\r\033[Knpshape classify: {self.frames} frames in {seconds:.1f} s", file=sys.stderr, flush=True)


@contextlib.contextmanager
def table_writer(output: str | None, columns: list[str], width: int):
    """Yield a function that writes one row: CSV into ``output`` (rows reach a temporary file as
    they come; it gets its name when all are written), or an aligned table on stdout."""
    from npshape import io

    if output:
        with io.atomic_path(output) as tmp, open(tmp, "w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            yield lambda row: writer.writerow([_cell(v, "{:.6f}") for v in row])
        return
    widths = [max(width, len("structure")), 9] + [max(6, len(c)) for c in columns[2:]]
    print("  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(columns, widths))))

    def show(row):
        cells = [_cell(v, "{:.4f}") for v in row]
        print("  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))), flush=True)

    yield show


def _cell(value, float_format: str) -> str:
    """Return a table cell: floats with ``float_format``, NaN and None (no such number) as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else float_format.format(value)
    return str(value)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``npshape`` command."""
    parser = argparse.ArgumentParser(prog="npshape", description=__doc__)
    parser.add_argument("--version", action="version", version=f"npshape {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build one catalog structure (as the workflow does)")
    build.add_argument("id", help="catalog id, e.g. IC-147")
    build.add_argument("--config", default="config/config.yaml", help="study configuration (default: %(default)s)")
    build.add_argument("--catalog", help="structure catalog (default: the one named in the configuration)")
    build.add_argument("--output", help="output file (default: results/structures/<set>/<id>.xyz)")
    build.set_defaults(run=cmd_build)

    energy = sub.add_parser("energy", help="Sutton-Chen energy of structure files, as CSV")
    energy.add_argument("files", nargs="+", metavar="FILE", help="any file ASE can read")
    energy.add_argument("--metal", help="treat every atom as this metal (default: the file's elements)")
    energy.add_argument("--config", default="config/config.yaml", help="holds the parameter sets (default: %(default)s)")
    energy.set_defaults(run=cmd_energy)

    classify = sub.add_parser("classify", help="predict the shape class of every frame of structure files")
    classify.add_argument(
        "files", nargs="+", metavar="FILE", help="any file ASE can read (xyz, extxyz, cif, POSCAR, traj, ...)"
    )
    classify.add_argument(
        "--model", help="a model file, e.g. results/models/RDF3.skops (default: npshape's own, shipped with the package)"
    )
    classify.add_argument("--output", help="CSV file to write (default: a table on stdout)")
    classify.add_argument(
        "--frames", help="frames of each file to classify, in ASE's index syntax: '::10', '-1', '100:200' (default: all)"
    )
    classify.add_argument(
        "--closed-set", action="store_true", help="always answer one of the classes, never 'unknown' (novelty still reported)"
    )
    classify.add_argument("--quiet", action="store_true", help="no progress line on the terminal (errors are still reported)")
    classify.add_argument(
        "--qmax", type=float, help="Qmax (1/A) of the Fourier transform of .gr files, if their header lacks it or is wrong"
    )
    classify.add_argument("--pdf-model", help="a model file for .gr files (default: npshape's PDF model, shipped)")
    classify.set_defaults(run=cmd_classify)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input ends with one line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (InputError, ValueError) as error:
        print(f"npshape {args.command}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
