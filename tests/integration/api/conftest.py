"""A real service over a real SQLite file and FAISS index, built once and copied per test
module that changes data."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from matching.settings import Settings
from service.app import create_app
from service.runtime import Runtime, open_runtime, retrain
from service.security import create_key
from service.tables import ChallengeRow
from training_data.dataset import write_programme


@dataclass
class Service:
    settings: Settings
    runtime: Runtime
    client: TestClient
    keys: dict[str, str]
    companies: list[int]

    def as_(self, role: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


@pytest.fixture(scope="session")
def service_template(tmp_path_factory, programme, matcher) -> tuple[Path, dict, list[int]]:
    """Data dir with the session programme imported, indexed, a ranker and keys."""
    folder = tmp_path_factory.mktemp("service") / "var"
    settings = Settings(data_dir=folder)
    write_programme(programme, settings.programme_dir)
    matcher.embedder.save_cache(settings.cache_dir / "embeddings.npz")
    runtime = open_runtime(settings)
    retrain(runtime)
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


def open_service(template, target: Path) -> Service:
    folder, keys, companies = template
    shutil.copytree(folder, target)
    settings = Settings(data_dir=target)
    runtime = open_runtime(settings)
    client = TestClient(create_app(settings, runtime))
    return Service(settings, runtime, client, dict(keys), companies)


@pytest.fixture(scope="module")
def service(service_template, tmp_path_factory) -> Service:
    svc = open_service(service_template, tmp_path_factory.mktemp("svc") / "var")
    yield svc
    svc.runtime.close()
