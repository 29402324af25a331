"""Build a catalog entry: run its builder, relax it with Sutton-Chen if asked, record its provenance.

Building an entry gives an :class:`ase.Atoms` whose ``info`` records where it came from, so
that the extended-XYZ file written from it is self-describing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from npshape import __version__
from npshape.structures import challenge_shapes, shapes, sutton_chen

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
    if entry.get("relax"):
        if relax is None:
            raise ValueError(f"structure {entry['id']} asks for relaxation but no Sutton-Chen settings were given")
        result = sutton_chen.relax(
            positions, symbols, relax.metals, fmax=relax.fmax_eV_per_angstrom, max_steps=relax.max_steps
        )
        if not result.converged:
            raise ValueError(
                f"structure {entry['id']}: Sutton-Chen relaxation did not reach fmax="
                f"{relax.fmax_eV_per_angstrom} eV/Å in {relax.max_steps} steps (max force {result.max_force:.2e})"
            )
        positions = result.positions - result.positions.mean(axis=0)
        info["energy_eV"] = float(result.energy_eV)
        info["max_force_eV_per_angstrom"] = float(result.max_force)
    return Atoms(symbols=list(symbols), positions=np.asarray(positions, dtype=float), info=info)
