"""A real service over a real SQLite file and FAISS index, built once and copied per test
module that changes data."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matching.settings import Settings
from service.app import create_app
from service.runtime import Runtime, open_runtime


@dataclass
class Service:
    settings: Settings
    runtime: Runtime
    client: TestClient
    keys: dict[str, str]
    companies: list[int]

    def as_(self, role: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


def open_service(template, target: Path, **settings_given) -> Service:
    folder, keys, companies = template
    shutil.copytree(folder, target)
    settings = Settings(data_dir=target, **settings_given)
    runtime = open_runtime(settings)
    client = TestClient(create_app(settings, runtime))
    return Service(settings, runtime, client, dict(keys), companies)


@pytest.fixture(scope="module")
def service(service_template, tmp_path_factory) -> Service:
    svc = open_service(service_template, tmp_path_factory.mktemp("svc") / "var")
    yield svc
    svc.runtime.close()
