"""Feature tables: the same replica gives the same bytes in any batch; files round-trip; bad files are refused."""

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT

from npshape import io
from npshape.descriptors import feature_frames
from npshape.learning import augment, datasets
from npshape.structures import shapes

CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())
# the paper's descriptor sections and npshape's local order and common-neighbour signatures
SETTINGS = {**CONFIG["descriptors"], **{key: CONFIG["npshape_model"]["descriptors"][key] for key in ("local_order", "cna")}}


@pytest.fixture(scope="module")
def replicas():
    positions, _ = augment.displaced_replicas(shapes.icosahedron(2), "IC-55", np.arange(8), base_seed=2021)
    return positions


@pytest.mark.parametrize("descriptor", feature_frames.DESCRIPTORS)
def test_features_do_not_depend_on_the_batch(replicas, descriptor):
    numbers = np.full(replicas.shape[1], 78)
    whole = feature_frames.describe(descriptor, replicas, numbers, SETTINGS)[1]
    halves = np.vstack([feature_frames.describe(descriptor, part, numbers, SETTINGS)[1] for part in (replicas[:3], replicas[3:])])
    one_by_one = np.vstack([feature_frames.describe(descriptor, r[None], numbers, SETTINGS)[1] for r in replicas])
    assert whole.dtype == np.float32
    assert whole.tobytes() == halves.tobytes() == one_by_one.tobytes()


def test_feature_file_round_trip_and_metadata(replicas, tmp_path):
    names, values = feature_frames.describe("rdf", replicas, np.full(replicas.shape[1], 78), SETTINGS)
    frame = feature_frames.feature_frame(["IC-55"] * 8, ["IC"] * 8, np.arange(8), names, values)
    path = tmp_path / "shard-0.parquet"
    io.write_parquet(frame, path, feature_frames.feature_metadata("rdf", SETTINGS["rdf"]))
    keys, X, settings = datasets.read_features({"rdf": [str(path)]})
    assert X.tobytes() == values.tobytes()
    assert settings == {"rdf": SETTINGS["rdf"]} and list(keys["replica"]) == list(range(8))
    again = tmp_path / "again.parquet"
    io.write_parquet(frame, again, feature_frames.feature_metadata("rdf", SETTINGS["rdf"]))
    assert path.read_bytes() == again.read_bytes()


def test_truncated_or_foreign_feature_files_are_refused(replicas, tmp_path):
    names, values = feature_frames.describe("drdf", replicas, np.full(replicas.shape[1], 78), SETTINGS)
    frame = feature_frames.feature_frame(["IC-55"] * 8, ["IC"] * 8, np.arange(8), names, values)
    good = tmp_path / "good.parquet"
    io.write_parquet(frame, good, feature_frames.feature_metadata("drdf", SETTINGS["rdf"]))
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ValueError, match="truncated.parquet: not a readable parquet file"):
        datasets.read_features({"drdf": [str(truncated)]})
    foreign = tmp_path / "foreign.parquet"
    frame.to_parquet(foreign)
    with pytest.raises(ValueError, match="without npshape metadata"):
        datasets.read_features({"drdf": [str(foreign)]})
    other = tmp_path / "other.parquet"
    io.write_parquet(frame, other, feature_frames.feature_metadata("drdf", {**SETTINGS["rdf"], "sigma_angstrom": 0.3}))
    with pytest.raises(ValueError, match="other descriptor settings"):
        datasets.read_features({"drdf": [str(good), str(other)]})
    poisoned = frame.copy()
    poisoned.iloc[2, 5] = np.nan
    nan_file = tmp_path / "nan.parquet"
    io.write_parquet(poisoned, nan_file, feature_frames.feature_metadata("drdf", SETTINGS["rdf"]))
    with pytest.raises(ValueError, match="non-finite"):
        datasets.read_features({"drdf": [str(nan_file)]})


def test_augmentation_shard_round_trip(replicas, tmp_path):
    seeds = np.arange(8, dtype=np.uint64) * 977
    path = tmp_path / "shard.parquet"
    io.write_replicas(path, np.arange(8), seeds, replicas, {"id": "IC-55"})
    indices, seeds_back, positions, meta, numbers = io.read_replicas(path)
    assert numbers is None  # every replica has the parent's atoms
    assert positions.tobytes() == replicas.tobytes() and np.array_equal(seeds_back, seeds) and meta == {"id": "IC-55"}
    (tmp_path / "bad.parquet").write_bytes(b"PAR1garbage")
    with pytest.raises(ValueError, match="bad.parquet"):
        io.read_replicas(tmp_path / "bad.parquet")


def test_assembled_matrix_round_trip_and_truncation(replicas, tmp_path):
    names, values = feature_frames.describe("rdf", replicas, np.full(replicas.shape[1], 78), SETTINGS)
    keys = feature_frames.feature_frame(["IC-55"] * 8, ["IC"] * 8, np.arange(8), names, values)[datasets.KEY_COLUMNS]
    path = tmp_path / "rdf.npy"
    datasets.write_matrix(keys, values, SETTINGS["rdf"], path)
    keys_back, X, settings = datasets.read_matrix(path)
    assert X.tobytes() == values.tobytes() and keys_back.equals(keys) and settings == SETTINGS["rdf"]
    whole = path.read_bytes()
    path.write_bytes(whole[:-1000])
    with pytest.raises(ValueError, match="rdf.npy"):
        datasets.read_matrix(path)
    path.write_bytes(flip_one_byte(whole, len(whole) // 2))  # same length, one feature changed
    with pytest.raises(ValueError, match="rdf.npy: checksum differs"):
        datasets.read_matrix(path)


def flip_one_byte(data, offset):
    return data[:offset] + bytes([data[offset] ^ 0x5A]) + data[offset + 1 :]


def page_data_offsets(path, column):
    """Return offsets spread over the second half of a column's bytes: compressed page data,
    after the page header (pages, not the file footer, carry the CRCs)."""
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(column)
    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    first, end = start + chunk.total_compressed_size // 2, start + chunk.total_compressed_size
    return range(first, end, max(1, (end - first) // 40))  # 40 of them at most


def test_corrupted_feature_and_shard_files_are_refused(replicas, tmp_path):
    # without page CRCs, about half of these one-byte changes decompress to other values unnoticed
    names, values = feature_frames.describe("rdf", replicas, np.full(replicas.shape[1], 78), SETTINGS)
    middle = slice(500, 520)  # 20 columns around the first peak: the pages are alike in every column
    frame = feature_frames.feature_frame(["IC-55"] * 8, ["IC"] * 8, np.arange(8), names[middle], values[:, middle])
    path, corrupted = tmp_path / "feature_frames.parquet", tmp_path / "corrupted.parquet"
    io.write_parquet(frame, path, feature_frames.feature_metadata("rdf", SETTINGS["rdf"]))
    whole = path.read_bytes()
    for offset in page_data_offsets(path, 10):
        corrupted.write_bytes(flip_one_byte(whole, offset))
        with pytest.raises(ValueError, match="corrupted.parquet: not a readable parquet file"):
            io.read_parquet(corrupted)
    shard, corrupted = tmp_path / "shard.parquet", tmp_path / "corrupted-shard.parquet"
    io.write_replicas(shard, np.arange(8), np.arange(8, dtype=np.uint64), replicas, {"id": "IC-55"})
    whole = shard.read_bytes()
    for offset in page_data_offsets(shard, 2):  # the positions
        corrupted.write_bytes(flip_one_byte(whole, offset))
        with pytest.raises(ValueError, match="corrupted-shard.parquet: not a readable augmentation shard"):
            io.read_replicas(corrupted)


def test_written_files_follow_the_umask_not_mkstemp_0600(tmp_path):
    import os
    path = tmp_path / "t.parquet"
    io.write_parquet(feature_frames.feature_frame(["a"], ["IC"], np.zeros(1), ["x"], np.zeros((1, 1))), path, {})
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
