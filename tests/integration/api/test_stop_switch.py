"""The stop switch: an admin turns the learned ranker off or pauses recommendations, with
a reason every user sees; every worker on the same database obeys it, and it is audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.app import create_app
from service.runtime import open_runtime
from service.tables import AuditRow
from tests.integration.api.conftest import open_service


@pytest.fixture(scope="module")
def two_workers(service_template, tmp_path_factory):
    """Two service processes' worth of engines over one data dir."""
    first = open_service(service_template, tmp_path_factory.mktemp("switch") / "var")
    runtime = open_runtime(first.settings)
    second = TestClient(create_app(first.settings, runtime))
    yield first, second
    runtime.close()
    first.runtime.close()


def _switch(svc, mode: str, reason: str):
    return svc.client.put(
        "/admin/controls", json={"mode": mode, "reason": reason}, headers=svc.as_("admin")
    )


def test_switch_reaches_every_worker_and_is_audited(two_workers):
    svc, other = two_workers
    cw = svc.as_("caseworker")
    challenge = "/challenges/1/shortlist?k=5"
    assert other.get(challenge, headers=cw).json()["scoring"].startswith("learned")

    assert _switch(svc, "rules", "rankings look odd after the import").status_code == 200
    for client in (svc.client, other):
        got = client.get(challenge, headers=cw).json()
        assert "switched off: rankings look odd after the import" in got["scoring"]
        assert got["model_version"] is None
        niches = client.get("/participants/1/niches", headers=cw).json()
        assert niches["method"] == "catalogue"

    assert _switch(svc, "paused", "audit of the March shortlists").status_code == 200
    for client in (svc.client, other):
        for call in (
            lambda c: c.get(challenge, headers=cw),
            lambda c: c.get("/participants/1/niches", headers=cw),
            lambda c: c.post("/editions/4/team-plan", json={}, headers=cw),
        ):
            got = call(client)
            assert got.status_code == 503
            assert "audit of the March shortlists" in got.json()["detail"]
    assert other.get("/admin/controls", headers=svc.as_("analyst")).json()["mode"] == "paused"
    # what is not a recommendation still works
    assert other.get("/participants/1", headers=cw).status_code == 200

    assert _switch(svc, "learned", "checked, all fine").status_code == 200
    assert other.get(challenge, headers=cw).json()["scoring"].startswith("learned")
    with svc.runtime.sessions() as session:
        turns = session.scalars(
            select(AuditRow).where(AuditRow.action == "admin.controls").order_by(AuditRow.id)
        ).all()
    assert [t.request["mode"] for t in turns] == ["rules", "paused", "learned"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": "off", "reason": "because"}, "mode"),
        ({"mode": "paused", "reason": "  "}, "reason"),
        ({"mode": "paused"}, "reason"),
    ],
)
def test_a_bad_switch_names_the_field_and_changes_nothing(two_workers, body, field):
    svc, _ = two_workers
    before = svc.client.get("/admin/controls", headers=svc.as_("admin")).json()
    got = svc.client.put("/admin/controls", json=body, headers=svc.as_("admin"))
    assert got.status_code == 422
    assert field in {e["loc"][-1] for e in got.json()["detail"]}
    assert svc.client.get("/admin/controls", headers=svc.as_("admin")).json() == before


def test_only_an_admin_turns_the_switch(two_workers):
    svc, _ = two_workers
    for role in ("caseworker", "analyst", "company"):
        got = svc.client.put(
            "/admin/controls", json={"mode": "paused", "reason": "try"}, headers=svc.as_(role)
        )
        assert got.status_code == 403
