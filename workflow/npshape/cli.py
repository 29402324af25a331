"""The ``npshape`` command: build catalog structures, Sutton-Chen energies, classify structures."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import yaml

from npshape import __version__

EXIT_BAD_INPUT = 2
PROGRESS_MIN_FILES = 20  # report progress on stderr from this many files on


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
    """Print CSV ``structure,natoms,energy_eV``: the Sutton-Chen energy of each file, every pair counted."""
    from npshape.structures import sutton_chen

    config = load_config(args.config)
    metals = {
        name: sutton_chen.SuttonChenParameters.from_mapping(p) for name, p in config["sutton_chen"]["metals"].items()
    }
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["structure", "natoms", "energy_eV"])
    status = 0
    for path in args.files:
        try:
            atoms = read_checked(path)
            symbols = [args.metal] * len(atoms) if args.metal else atoms.get_chemical_symbols()
            unknown = sorted(set(symbols) - set(metals))
            if unknown:
                raise InputError(f"{path}: no Sutton-Chen parameters for {', '.join(unknown)}; use --metal")
            energy = sutton_chen.energy(atoms.get_positions(), symbols, metals)
        except InputError as error:
            print(f"npshape energy: {error}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        writer.writerow([path, len(atoms), f"{energy:.6f}"])
    return status


OVERLAP_ANGSTROM = 0.5  # closer atoms than this are a broken file, not a nanoparticle


def read_checked(path: str):
    """Return the structure in ``path``, or raise InputError saying why it cannot be used.

    A usable structure is a finite cluster: at least 2 atoms, finite coordinates, no periodic
    cell, and no two atoms closer than :data:`OVERLAP_ANGSTROM`.
    """
    import numpy as np
    from scipy.spatial.distance import pdist

    from npshape import io

    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    try:
        atoms = io.read_structure(path)
    except Exception as error:  # ASE raises many types for unreadable files
        raise InputError(f"{path}: not a structure file ASE can read ({type(error).__name__}: {error})") from None
    positions = atoms.get_positions()
    if len(atoms) < 2:
        raise InputError(f"{path}: {len(atoms)} atom(s); a nanoparticle needs at least 2")
    if not np.isfinite(positions).all():
        raise InputError(f"{path}: coordinates contain NaN or infinite values")
    if atoms.pbc.any():
        raise InputError(f"{path}: periodic cell given (pbc={atoms.pbc.tolist()}); npshape classifies finite clusters")
    closest = pdist(positions).min()
    if closest < OVERLAP_ANGSTROM:
        raise InputError(f"{path}: overlapping atoms ({closest:.3f} Å apart, less than {OVERLAP_ANGSTROM} Å)")
    return atoms


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify structure files with a trained model; write CSV (or a table on stdout)."""
    import numpy as np
    import pandas as pd

    from npshape import io
    from npshape.descriptors import feature_frames
    from npshape.learning import evaluation, model_files

    pipeline, card = model_files.load_model(args.model)
    settings = {feature_frames.SETTINGS_SECTION[d]: s for d, s in card.descriptor_settings.items()}
    names, rows, status = [], [], 0
    show_progress = len(args.files) >= PROGRESS_MIN_FILES
    for done, path in enumerate(args.files, start=1):
        try:
            atoms = read_checked(path)
            if "cm" in settings and len(atoms) > settings["cm"]["size"]:
                raise InputError(
                    f"{path}: {len(atoms)} atoms, more than the {settings['cm']['size']} the Coulomb-matrix model takes"
                )
            positions = atoms.get_positions()[None]
            rows.append(np.hstack([feature_frames.describe(d, positions, atoms.numbers, settings)[1] for d in card.descriptors]))
            names.append(path)
        except InputError as error:
            print(f"npshape classify: {error}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        if show_progress and (done % max(1, len(args.files) // 10) == 0 or done == len(args.files)):
            print(f"npshape classify: {done}/{len(args.files)} files", file=sys.stderr)
    table = evaluation.probability_table(pipeline, np.vstack(rows), names) if rows else pd.DataFrame(
        columns=["structure", "predicted", *card.classes]
    )
    if args.output:
        io.write_csv(table, args.output, float_format="%.6f")  # an interrupted call leaves no half-written table
    else:
        print(table.to_string(index=False, float_format=lambda p: f"{p:.4f}"))
    return status


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

    classify = sub.add_parser("classify", help="predict the shape class of structure files")
    classify.add_argument("files", nargs="+", metavar="FILE", help="any file ASE can read (xyz, extxyz, cif, pdb, ...)")
    classify.add_argument("--model", required=True, help="a model file, e.g. results/models/RDF3.skops")
    classify.add_argument("--output", help="CSV file to write (default: a table on stdout)")
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
