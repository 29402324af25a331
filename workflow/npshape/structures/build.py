"""Build a catalog entry: run its builder, relax it with Sutton-Chen if asked, record its provenance.

Building an entry gives an :class:`ase.Atoms` whose ``info`` records where it came from, so
that the extended-XYZ file written from it is self-describing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from npshape import __version__
from npshape.structures import catalog, challenge_shapes, class_check, shapes, sutton_chen

BUILDERS = {**shapes.BUILDERS, **challenge_shapes.BUILDERS}  # every builder a catalog entry may name


@dataclass(frozen=True)
class RelaxSettings:
    """Sutton-Chen parameter sets by metal and the relaxation's stopping rule."""

    metals: dict
    fmax_eV_per_angstrom: float
    max_steps: int

    @classmethod
    def from_config(cls, section: dict) -> RelaxSettings:
        """Return the settings held by the ``sutton_chen`` section of config.yaml."""
        return cls(
            metals={name: sutton_chen.SuttonChenParameters.from_mapping(p) for name, p in section["metals"].items()},
            fmax_eV_per_angstrom=float(section["fmax_eV_per_angstrom"]),
            max_steps=int(section["max_steps"]),
        )


def build_structure(entry: dict, bond_angstrom: float, relax: RelaxSettings | None = None) -> Atoms:
    """Return the structure an entry describes, relaxed with Sutton-Chen if the entry says so.

    Parameters
    ----------
    entry : dict
        One catalog entry (id, class, builder, params, metal, relax, natoms, ...).
    bond_angstrom : float
        Nearest-neighbour distance of the unrelaxed model, Å.
    relax : RelaxSettings, optional
        Needed only when ``entry["relax"]`` is true.

    Raises
    ------
    ValueError
        If the builder gives a different atom count from the entry's ``natoms``, or the
        relaxation does not converge.
    """
    if entry["builder"] not in BUILDERS:
        raise ValueError(f"structure {entry['id']}: unknown builder {entry['builder']!r}")
    built = BUILDERS[entry["builder"]](bond=bond_angstrom, **entry.get("params", {}))
    positions, symbols = built if isinstance(built, tuple) else (built, [entry["metal"]] * len(built))
    if len(positions) != entry["natoms"]:
        raise ValueError(
            f"structure {entry['id']}: builder {entry['builder']} gave {len(positions)} atoms, "
            f"the catalog says natoms={entry['natoms']}"
        )
    info = {
        "id": entry["id"],
        "class": entry["class"],
        "builder": entry["builder"],
        "metal": "+".join(sorted(set(symbols))),  # e.g. "Ag+Pt" for a core-shell particle
        **{f"param_{key}": value for key, value in sorted(entry.get("params", {}).items())},
        "npshape_version": __version__,
    }
    atoms = Atoms(symbols=list(symbols), positions=np.asarray(positions, dtype=float), info=info)
    if entry.get("relax"):
        if relax is None:
            raise ValueError(f"structure {entry['id']} asks for relaxation but no Sutton-Chen settings were given")
        atoms = relaxed(atoms, relax)
    return atoms


def relaxed(atoms: Atoms, relax: RelaxSettings) -> Atoms:
    """Return a copy of ``atoms`` relaxed with Sutton-Chen, centred, its energy and largest force in its info.

    Raises ValueError naming the structure if the relaxation does not converge.
    """
    symbols = atoms.get_chemical_symbols()
    result = sutton_chen.relax(
        atoms.get_positions(), symbols, relax.metals, fmax=relax.fmax_eV_per_angstrom, max_steps=relax.max_steps
    )
    if not result.converged:
        raise ValueError(
            f"structure {atoms.info['id']}: Sutton-Chen relaxation did not reach fmax="
            f"{relax.fmax_eV_per_angstrom} eV/Å in {relax.max_steps} steps (max force {result.max_force:.2e})"
        )
    info = {**atoms.info, "energy_eV": float(result.energy_eV), "max_force_eV_per_angstrom": float(result.max_force)}
    return Atoms(symbols=symbols, positions=result.positions - result.positions.mean(axis=0), info=info)


def build_training_variant(
    entry: dict, metal: str | None, bond_angstrom: float, relax: RelaxSettings, relax_metals: list[str]
) -> Atoms:
    """Return one training copy of an entry for npshape's own model, ``kept`` (bool) and, if not, ``dropped`` (why) in its info.

    ``metal`` None gives the shape as built; a metal gives it relaxed with that metal's
    Sutton-Chen potential, kept only if :func:`class_check.class_change` finds it still the
    shape it was built as (for DD, whose class is the relaxed structure, still the copy
    relaxed with the first of ``relax_metals``). Nothing is relabelled.
    """
    built = build_structure({**entry, "relax": False}, bond_angstrom)
    variant = next(key for key, value in catalog.training_variants(entry, relax_metals).items() if value == metal)
    if metal is None:
        atoms, reason = built, ("its class is the relaxed structure: only relaxed copies are used" if entry["relax"] else None)
    else:
        atoms = relaxed(_as_metal(built, metal), relax)
        if entry["relax"] and metal == relax_metals[0]:
            reason = None  # the reference of the class itself
        else:
            reference = relaxed(_as_metal(built, relax_metals[0]), relax) if entry["relax"] else built
            reason = class_check.class_change(reference.get_positions(), atoms.get_positions())
    atoms.info.update(id=variant, parent=entry["id"], relaxed_with=metal or "none", kept=reason is None)
    if reason:
        atoms.info["dropped"] = reason
    return atoms


def _as_metal(atoms: Atoms, metal: str) -> Atoms:
    """Return a copy of ``atoms`` with every atom of ``metal``."""
    return Atoms(symbols=[metal] * len(atoms), positions=atoms.get_positions(), info={**atoms.info, "metal": metal})
