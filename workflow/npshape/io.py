"""Reading and writing the workflow's files; the only module besides the CLI that touches disk.

Every writer goes through :func:`atomic_path`, so a killed job never leaves a truncated file
under a final name. pandas, pyarrow and ASE are imported by the functions that use them:
importing this module stays cheap for ``npshape classify`` and for Snakemake's start-up.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from ase import Atoms


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; results are for everyone who may read them
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_csv(frame: pd.DataFrame, path: str | Path, **to_csv) -> None:
    """Write ``frame`` as CSV (``to_csv`` keyword arguments, no index unless given), atomically."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, **{"index": False, **to_csv})


def write_structure(atoms: Atoms, path: str | Path) -> None:
    """Write ``atoms`` as extended XYZ, its ``info`` in the comment line."""
    import ase.io

    with atomic_path(path) as tmp:
        ase.io.write(tmp, atoms, format="extxyz")


def read_structure(path: str | Path) -> Atoms:
    """Return the (last) structure of any file ASE can read."""
    import ase.io

    return ase.io.read(path)


METADATA_KEY = b"npshape"


def write_parquet(frame: pd.DataFrame, path: str | Path, metadata: dict) -> None:
    """Write ``frame`` as parquet with ``metadata`` (JSON) in the schema, atomically.

    The bytes depend only on the frame and the metadata, so reruns and any ``--cores`` give
    identical files. Dictionary encoding and column statistics are off: features are
    distinct floats, and on tables of thousands of columns both double the read time.
    Every page carries a CRC, so :func:`read_parquet` refuses a corrupted file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(
            table, tmp, compression="zstd", use_dictionary=False, write_statistics=False, write_page_checksum=True
        )


def read_parquet(path: str | Path, columns: list[str] | None = None) -> tuple[pd.DataFrame, dict]:
    """Return the frame and the npshape metadata of a parquet file written by :func:`write_parquet`.

    Raises
    ------
    ValueError
        Naming the file, if it is missing, truncated, corrupt or not one of ours.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=columns, page_checksum_verification=True)
    except (OSError, pa.ArrowException) as error:
        raise ValueError(f"{path}: not a readable parquet file ({error})") from None
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    if raw is None:
        raise ValueError(f"{path}: parquet file without npshape metadata (not written by npshape)")
    return table.to_pandas(), json.loads(raw)


def write_replicas(
    path: str | Path,
    replicas: np.ndarray,
    seeds: np.ndarray,
    positions: np.ndarray | list[np.ndarray],
    metadata: dict,
    numbers: list[np.ndarray] | None = None,
) -> None:
    """Write an augmentation shard: one row per replica with its index, seed and flat positions (Å).

    ``positions`` is an array of shape (k, n_atoms, 3) when every replica has the parent's
    atoms (fixed-size rows), or a list of (n_atoms_r, 3) arrays when replicas have atoms of
    their own (surface vacancies); ``numbers`` then lists each replica's atomic numbers.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {"replica": pa.array(replicas, pa.int64()), "seed": pa.array(seeds, pa.uint64())}
    if isinstance(positions, np.ndarray):
        k, n_atoms, _ = positions.shape
        columns["positions"] = pa.FixedSizeListArray.from_arrays(pa.array(positions.reshape(-1), pa.float64()), n_atoms * 3)
    else:
        columns["positions"] = pa.array([np.ravel(p) for p in positions], pa.list_(pa.float64()))
        columns["numbers"] = pa.array([np.asarray(z) for z in numbers], pa.list_(pa.int16()))
    table = pa.table(columns).replace_schema_metadata({METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", use_dictionary=False, write_page_checksum=True)


def read_replicas(path: str | Path):
    """Return (replicas, seeds, positions, metadata, numbers) of an augmentation shard.

    ``positions`` has shape (k, n_atoms, 3) and ``numbers`` is None for fixed-size rows;
    otherwise both are lists with one array per replica (see :func:`write_replicas`).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, page_checksum_verification=True)
        metadata = json.loads(table.schema.metadata[METADATA_KEY])
        column = table.column("positions").combine_chunks()
        if pa.types.is_fixed_size_list(column.type):
            positions = column.flatten().to_numpy().reshape(table.num_rows, -1, 3)
            numbers = None
        else:
            positions = [np.asarray(p).reshape(-1, 3) for p in column.to_numpy(zero_copy_only=False)]
            numbers = [np.asarray(z, dtype=np.int64) for z in table.column("numbers").to_numpy(zero_copy_only=False)]
    except (OSError, KeyError, pa.ArrowException) as error:
        raise ValueError(f"{path}: not a readable augmentation shard ({error})") from None
    return table.column("replica").to_numpy(), table.column("seed").to_numpy(), positions, metadata, numbers
