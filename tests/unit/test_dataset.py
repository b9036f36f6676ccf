import pandas as pd
import pytest

from training_data.config import GeneratorConfig
from training_data.dataset import DatasetError, read_programme, read_truth, write_programme
from training_data.generator import generate


@pytest.fixture(scope="module")
def small():
    return generate(GeneratorConfig(seed=2, participants=120, challenges=6, editions=2))


def test_round_trip(tmp_path, small):
    folder = write_programme(small, tmp_path / "prog")
    back = read_programme(folder)
    pd.testing.assert_frame_equal(back.participants, small.participants, check_dtype=False)
    pd.testing.assert_frame_equal(back.outcomes, small.outcomes, check_dtype=False)
    assert len(read_truth(folder)) == len(small.truth)
    assert (folder / "participants.parquet").read_bytes() != b""


def test_damaged_file_is_reported_not_used(tmp_path, small):
    folder = write_programme(small, tmp_path / "prog")
    target = folder / "challenges.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="damaged"):
        read_programme(folder)


def test_missing_folder_and_missing_truth(tmp_path, small):
    with pytest.raises(DatasetError, match="does not exist"):
        read_programme(tmp_path / "nope")
    from dataclasses import replace

    folder = write_programme(replace(small, truth=None), tmp_path / "no-truth")
    with pytest.raises(DatasetError, match="without ground truth"):
        read_truth(folder)


def test_rewrite_replaces_atomically(tmp_path, small):
    folder = write_programme(small, tmp_path / "prog")
    other = generate(GeneratorConfig(seed=3, participants=120, challenges=6, editions=2))
    write_programme(other, folder)
    assert (
        read_programme(folder).participants["profile_text"].tolist()
        == other.participants["profile_text"].tolist()
    )
    assert [p.name for p in tmp_path.iterdir()] == ["prog"]
