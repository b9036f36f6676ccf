"""Shared fixtures: one generated programme and one real engine per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from evaluation.systems import engine_over
from matching.engine import Matcher
from matching.settings import Settings, packaged_model_path
from matching.training import publish_ranker
from models.embedder import Embedder
from models.registry import DECISION_FILE
from service.runtime import open_runtime, retrain
from service.security import create_key
from service.tables import ChallengeRow
from training_data.config import GeneratorConfig, Programme
from training_data.dataset import write_programme
from training_data.generator import generate

OUTPUT = Path(
    os.environ.get("MILMA_TEST_OUTPUT", Path(__file__).resolve().parents[1] / "test-output")
)


@pytest.fixture(scope="session")
def programme() -> Programme:
    """The default MILMA-sized programme (508 participants, 4 editions, 28 challenges)."""
    return generate(GeneratorConfig(seed=11))


@pytest.fixture(scope="session")
def embedder(tmp_path_factory) -> Embedder:
    """The real packaged all-MiniLM-L6-v2, shared by every test."""
    return Embedder(packaged_model_path())


def loaded_engine(programme: Programme, embedder: Embedder) -> Matcher:
    """A real engine over ``programme`` and its outcomes, with nothing saved to disk."""
    return engine_over(programme, embedder)


@pytest.fixture(scope="session")
def matcher(programme: Programme, embedder: Embedder) -> Matcher:
    """A real engine over the session programme, with nothing saved to disk."""
    return loaded_engine(programme, embedder)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def service_template(tmp_path_factory, programme, matcher) -> tuple[Path, dict, list[int]]:
    """Data dir with the session programme imported, indexed, a ranker and keys."""
    folder = tmp_path_factory.mktemp("service") / "var"
    settings = Settings(data_dir=folder)
    write_programme(programme, settings.programme_dir)
    matcher.embedder.save_cache(settings.cache_dir / "embeddings.npz")
    runtime = open_runtime(settings)
    result = retrain(runtime)
    if not result.promoted:
        # the service tests need a trained ranker serving, whatever this small programme's
        # held-out edition can show; the gate's own decisions are tested in test_promotion
        publish_ranker(runtime.matcher, result)
        (settings.data_dir / "models" / DECISION_FILE).unlink()  # no refusal on record
    with runtime.sessions() as session:
        latest = max(session.scalars(select(ChallengeRow.edition_id)))
        companies = sorted(
            {
                c.company_id
                for c in session.scalars(
                    select(ChallengeRow).where(ChallengeRow.edition_id == latest)
                )
            }
        )
        keys = {role: create_key(session, role)[0] for role in ("admin", "caseworker", "analyst")}
        keys["company"] = create_key(session, "company", companies[0])[0]
        keys["other_company"] = create_key(session, "company", companies[1])[0]
    runtime.close()
    return folder, keys, companies
