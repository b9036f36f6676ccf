"""Shared fixtures: one generated programme and one real engine per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from matching.engine import Matcher
from matching.settings import Settings, packaged_model_path
from models.embedder import Embedder
from training_data.generator import GeneratorConfig, Programme, generate

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


@pytest.fixture(scope="session")
def matcher(programme: Programme, embedder: Embedder) -> Matcher:
    """A real engine over the session programme, with nothing saved to disk."""
    engine = Matcher(embedder)
    engine.load_programme(
        programme.participants, programme.challenges, programme.sensitive, persist=False
    )
    return engine


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
