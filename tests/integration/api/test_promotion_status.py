"""The admin sees the promotion decision of a retrain: in its answer, in ``GET
/admin/status`` and on the admin page, in the page's language (real app, real SQLite)."""

from __future__ import annotations

import re
import shutil

from fastapi.testclient import TestClient

from service.app import create_app
from service.runtime import open_runtime
from tests.integration.api.conftest import Service, open_service

SPANISH_DECISION = {
    "learned": "Se usa el nuevo modelo de ordenación.",
    "incumbent": "Se sigue usando el modelo de ordenación anterior.",
    "rules": "Las reglas de respaldo documentadas siguen ordenando.",
}


def _admin_page(service) -> str:
    client = TestClient(service.client.app)
    client.cookies.set("lang", "es")
    client.post("/app/login", data={"api_key": service.keys["admin"]}, follow_redirects=False)
    return client.get("/app/admin").text


def test_a_retrain_with_nothing_new_keeps_the_serving_ranker(service_template, tmp_path):
    """The template's ranker was trained on every edition; the same recipe refitted on
    the same outcomes cannot beat it, so it keeps serving, and every view says so."""
    service = open_service(service_template, tmp_path / "var")
    try:
        serving = service.runtime.matcher.scorer.version
        answer = service.client.post("/admin/retrain", headers=service.as_("admin"))
        assert answer.status_code == 200, answer.text
        promotion = answer.json()["promotion"]
        assert promotion["decision"] == "incumbent" and promotion["code"] == "not_better"
        assert answer.json()["model_version"] == serving
        status = service.client.get("/admin/status", headers=service.as_("analyst")).json()
        assert status["promotion"]["decision"] == "incumbent"
        assert status["promotion"]["difference"] == promotion["difference"]
        assert status["model_version"] == serving
        page = _admin_page(service)
        decision = re.search(r'data-testid="promotion-decision">(.*?)</p>', page, re.S).group(1)
        assert SPANISH_DECISION["incumbent"] in decision
        assert "edición 4" in decision
        figures = re.search(r'data-testid="promotion-figures">(.*?)</table>', page, re.S)
        assert "el modelo en uso" in figures.group(1) and "las reglas de respaldo" in figures.group(
            1
        )
    finally:
        service.runtime.close()


def test_without_a_serving_ranker_the_decision_is_kept_across_a_restart(service_template, tmp_path):
    """No ranker serves: the retrain's ranker serves only if it beats the rules; the
    decision, kept in the data dir, is what a restarted worker reports and obeys."""
    service = open_service(service_template, tmp_path / "var")
    shutil.rmtree(service.settings.data_dir / "models" / "ranker")
    service.runtime.close()
    service = open_service_in_place(service)
    try:
        assert service.runtime.matcher.scorer.kind == "fallback"
        answer = service.client.post("/admin/retrain", headers=service.as_("admin"))
        promotion = answer.json()["promotion"]
        assert promotion["decision"] in ("learned", "rules")
        assert "incumbent" not in promotion["versus"]
    finally:
        service.runtime.close()
    service = open_service_in_place(service)
    try:
        status = service.client.get("/admin/status", headers=service.as_("admin")).json()
        assert status["promotion"]["decision"] == promotion["decision"]
        assert status["scoring"] == (
            "learned" if promotion["decision"] == "learned" else "fallback"
        )
        if promotion["decision"] == "rules":
            assert promotion["reason"] in status["scoring_description"]
        assert SPANISH_DECISION[promotion["decision"]] in _admin_page(service)
    finally:
        service.runtime.close()


def open_service_in_place(service: Service) -> Service:
    """The same data dir opened anew (a restarted worker)."""
    runtime = open_runtime(service.settings)
    client = TestClient(create_app(service.settings, runtime))
    return Service(service.settings, runtime, client, service.keys, service.companies)
