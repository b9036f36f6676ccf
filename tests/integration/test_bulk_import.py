"""`milma import`: rows checked before anything is written, all written at once, vectors
taken as given; a bad row or file names itself and leaves the data dir as it was."""

import sqlite3

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from matching.retrieval import ParticipantIndex
from training_data.config import GeneratorConfig
from training_data.generator import generate

SMALL = ["--participants", "120", "--challenges", "6", "--editions", "2", "--seed", "4"]


def run(data_dir, *args):
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), *args])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("import") / "var"
    assert run(folder, "generate", *SMALL).exit_code == 0
    assert run(folder, "index").exit_code == 0
    return folder


@pytest.fixture(scope="module")
def newcomers():
    other = generate(GeneratorConfig(seed=11, participants=60, challenges=2, editions=2))
    people = other.participants.iloc[:30].drop(columns=["participant_id"]).reset_index(drop=True)
    return people.assign(migrant=other.sensitive["migrant"].iloc[:30].to_numpy())


def _count(data_dir):
    with sqlite3.connect(data_dir / "milma.db") as db:
        return db.execute("SELECT COUNT(*) FROM participants").fetchone()[0]


def _unit(n, d=384, seed=0):
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f.assign(spanish_level=["B1"] * 6 + ["Z9"] + ["B1"] * 23),
            "row 7: spanish_level",
        ),
        (lambda f: f.assign(edition_id=99), "row 1: edition_id: 99 does not exist"),
        (lambda f: f.assign(max_commute_minutes=[45] * 29 + [9999]), "row 30: max_commute_minutes"),
        (lambda f: f.assign(colour="blue"), "row 1: colour"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(data_dir, newcomers, tmp_path, change, message):
    path = tmp_path / "people.parquet"
    change(newcomers.copy()).to_parquet(path)
    before = _count(data_dir)
    result = run(data_dir, "import", str(path))
    assert result.exit_code == 2 and message in result.output, result.output
    assert _count(data_dir) == before


def test_bad_files_are_refused_plainly(data_dir, newcomers, tmp_path):
    path = tmp_path / "people.parquet"
    newcomers.to_parquet(path)
    np.save(tmp_path / "short.npy", _unit(3))
    np.save(tmp_path / "long.npy", np.ones((30, 384), np.float32))
    (tmp_path / "junk.parquet").write_text("not parquet")
    for args, message in (
        ([str(path), "--vectors", str(tmp_path / "short.npy")], "one row per participant"),
        ([str(path), "--vectors", str(tmp_path / "long.npy")], "unit length"),
        ([str(tmp_path / "junk.parquet")], "not a readable Parquet file"),
        ([str(tmp_path / "absent.parquet")], "does not exist"),
    ):
        result = run(data_dir, "import", *args)
        assert result.exit_code == 2 and message in result.output, result.output
    assert _count(data_dir) == 120


def test_import_with_vectors_adds_everyone_as_given(data_dir, newcomers, tmp_path):
    path, vectors = tmp_path / "people.parquet", _unit(30, seed=1)
    newcomers.to_parquet(path)
    np.save(tmp_path / "v.npy", vectors)
    result = run(data_dir, "import", str(path), "--vectors", str(tmp_path / "v.npy"))
    assert result.exit_code == 0 and "imported 30 participants" in result.output, result.output
    assert _count(data_dir) == 150
    index = ParticipantIndex.load(data_dir / "index")
    assert len(index) == 150
    np.testing.assert_allclose(index.vectors(np.arange(121, 151)), vectors, atol=1e-6)
    again = run(data_dir, "index")  # a restart finds the index in line: nothing re-embedded
    assert again.exit_code == 0 and "150 participants" in again.output
    assert "repaired" not in again.output
