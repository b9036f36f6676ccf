"""Every write route's refusal leaves the database as it was: each route is called with
a caller it refuses and with a value it refuses (a rule, an unknown record, a hidden
character, a number that is not one), and every table, the audit log and the change
feed included, is compared before and after."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select, text

from service.app import api_routes
from service.tables import Base, ChallengeRow, ParticipantRow
from tests.cv_samples import pdf_cv
from tests.integration.api.conftest import open_service

NUL, RLO = "\x00", "\u202e"


@pytest.fixture(scope="module")
def svc(service_template, tmp_path_factory):
    service = open_service(service_template, tmp_path_factory.mktemp("refusals") / "var")
    yield service
    service.runtime.close()


def _fingerprint(svc) -> dict[str, str]:
    """Every table's rows, hashed, in primary-key order."""
    out = {}
    with svc.runtime.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = connection.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}"))
            out[table.name] = hashlib.sha256(repr(rows.all()).encode()).hexdigest()
    return out


def _ids(svc) -> dict:
    with svc.runtime.sessions() as session:
        challenge = session.scalar(
            select(ChallengeRow).where(
                ChallengeRow.edition_id == 4, ChallengeRow.company_id == svc.companies[0]
            )
        )
        own = session.scalar(select(ParticipantRow.id).where(ParticipantRow.edition_id == 4))
        other = session.scalar(
            select(ParticipantRow.id).where(
                ParticipantRow.edition_id == 1, ParticipantRow.consent_share.is_(True)
            )
        )
    return {"c": challenge.id, "co": svc.companies[0], "p": own, "q": other}


def _cases(ids: dict) -> list[tuple[str, str, str, dict, int]]:
    """(role, method, path, request arguments, status) of refused requests."""
    c, co, p, q = ids["c"], ids["co"], ids["p"], ids["q"]
    bad_cv = {"files": {"file": ("cv.pdf", b"%PDF-1.7\n not a pdf", "application/pdf")}}
    return [
        ("company", "POST", "/participants", {"json": {"edition_id": 4, "display_name": "A"}}, 403),
        (
            "caseworker",
            "POST",
            "/participants",
            {"json": {"edition_id": True, "display_name": "A"}},
            422,
        ),
        (
            "caseworker",
            "POST",
            "/participants",
            {"json": {"edition_id": 4, "display_name": f"A{RLO}"}},
            422,
        ),
        (
            "caseworker",
            "POST",
            "/participants",
            {"json": {"edition_id": 999, "display_name": "A"}},
            422,
        ),
        ("caseworker", "PATCH", f"/participants/{p}", {"json": {"notes": f"x{NUL}"}}, 422),
        ("caseworker", "PATCH", f"/participants/{p}", {"json": {"available": 0}}, 422),
        ("company", "PATCH", f"/participants/{p}", {"json": {"notes": "x"}}, 403),
        ("caseworker", "DELETE", "/participants/999999", {}, 404),
        ("company", "DELETE", f"/participants/{p}", {}, 403),
        (
            "caseworker",
            "PUT",
            f"/participants/{p}/consent",
            {"json": {"granted": "yes", "text_version": "v"}},
            422,
        ),
        (
            "caseworker",
            "PUT",
            "/participants/999999/consent",
            {"json": {"granted": True, "text_version": "v"}},
            404,
        ),
        ("caseworker", "PUT", f"/participants/{p}/sensitive", {"json": {"migrant": 1}}, 422),
        (
            "caseworker",
            "PUT",
            f"/participants/{p}/sensitive",
            {"json": {"nationality": f"X{RLO}"}},
            422,
        ),
        ("caseworker", "POST", f"/participants/{p}/cv", bad_cv, 422),
        (
            "caseworker",
            "POST",
            "/participants/999999/cv",
            {"files": {"file": ("cv.pdf", pdf_cv("Cocinero", "Cocina " * 20), "application/pdf")}},
            404,
        ),
        ("company", "POST", f"/participants/{p}/cv", bad_cv, 403),
        (
            "caseworker",
            "POST",
            "/challenges",
            {"json": {"edition_id": 4, "company_id": 999, "niche": "retail", "title": "T"}},
            422,
        ),
        (
            "caseworker",
            "POST",
            "/challenges",
            {"json": {"edition_id": 4, "company_id": co, "niche": "retail", "title": f"T{NUL}"}},
            422,
        ),
        ("caseworker", "PATCH", f"/challenges/{c}", {"json": {"seats": "18"}}, 422),
        ("caseworker", "PATCH", f"/challenges/{c}", {"json": {"edition_id": 999}}, 422),
        ("company", "PATCH", f"/challenges/{c}", {"json": {"title": "T"}}, 403),
        ("caseworker", "POST", "/challenges/suggestions", {"json": {"title": f"T{NUL}"}}, 422),
        (
            "caseworker",
            "POST",
            f"/challenges/{c}/overrides",
            {
                "json": {
                    "participant_id": 999999,
                    "action": "exclude",
                    "reason": "other",
                    "note": "n",
                }
            },
            404,
        ),
        (
            "caseworker",
            "POST",
            f"/challenges/{c}/overrides",
            {
                "json": {
                    "participant_id": p,
                    "action": "exclude",
                    "reason": "other",
                    "note": f"n{RLO}",
                }
            },
            422,
        ),
        ("caseworker", "DELETE", f"/challenges/{c}/overrides/999999", {}, 404),
        ("company", "DELETE", f"/challenges/{c}/overrides/1", {}, 403),
        (
            "caseworker",
            "POST",
            f"/challenges/{c}/contact-releases",
            {"json": {"participant_id": q, "interview_agreed": True}},
            422,
        ),
        (
            "caseworker",
            "POST",
            f"/challenges/{c}/contact-releases",
            {"json": {"participant_id": p, "interview_agreed": 1}},
            422,
        ),
        (
            "company",
            "POST",
            f"/challenges/{c}/contact-releases",
            {"json": {"participant_id": p, "interview_agreed": True}},
            403,
        ),
        (
            "caseworker",
            "POST",
            "/companies",
            {"json": {"name": f"S.L.{NUL}", "sector": "retail"}},
            422,
        ),
        ("company", "POST", "/companies", {"json": {"name": "S.L.", "sector": "retail"}}, 403),
        ("caseworker", "PATCH", f"/companies/{co}", {"json": {"name": f"X{RLO}"}}, 422),
        (
            "caseworker",
            "POST",
            "/editions",
            {"json": {"name": "E", "start_date": "2024-05-01", "end_date": "2024-01-01"}},
            422,
        ),
        (
            "caseworker",
            "POST",
            "/editions",
            {
                "json": {
                    "name": "E",
                    "start_date": "2024-01-01",
                    "end_date": "2024-05-01",
                    "remote": "no",
                }
            },
            422,
        ),
        ("caseworker", "PATCH", "/editions/4", {"json": {"name": f"E{NUL}"}}, 422),
        ("company", "PATCH", "/editions/4", {"json": {"name": "E"}}, 403),
        ("caseworker", "POST", "/editions/4/team-plan", {"json": {"min_migrant_share": 0.1}}, 422),
        ("caseworker", "POST", "/editions/4/team-plan", {"json": {"min_migrant_share": 0.95}}, 422),
        (
            "caseworker",
            "PUT",
            "/editions/4/teams",
            {"json": {"teams": [{"challenge_id": c, "members": [p]}], "min_migrant_share": 0.1}},
            422,
        ),
        (
            "caseworker",
            "PUT",
            "/editions/4/teams",
            {"json": {"teams": [{"challenge_id": c, "members": [q]}]}},
            422,
        ),
        (
            "caseworker",
            "POST",
            "/outcomes",
            {"json": {"challenge_id": c, "participant_id": q, "event": "joined"}},
            422,
        ),
        (
            "caseworker",
            "POST",
            "/outcomes",
            {
                "json": {
                    "challenge_id": c,
                    "participant_id": p,
                    "event": "joined",
                    "at": "0001-01-01T00:00:00Z",
                }
            },
            422,
        ),
        (
            "caseworker",
            "POST",
            "/outcomes",
            {
                "json": {
                    "challenge_id": c,
                    "participant_id": p,
                    "event": "joined",
                    "reason": f"r{NUL}",
                }
            },
            422,
        ),
        (
            "company",
            "POST",
            "/outcomes",
            {"json": {"challenge_id": c, "trainee_id": "T-0123456789ABCD", "event": "hired"}},
            404,
        ),
        (
            "analyst",
            "POST",
            "/outcomes",
            {"json": {"challenge_id": c, "participant_id": p, "event": "joined"}},
            403,
        ),
        ("caseworker", "POST", "/texts/concepts", {"json": {"text": f"Camarero{NUL}"}}, 422),
        (
            "admin",
            "PUT",
            "/admin/controls",
            {"json": {"mode": "rules", "reason": f"porque{RLO}"}},
            422,
        ),
        (
            "caseworker",
            "PUT",
            "/admin/controls",
            {"json": {"mode": "paused", "reason": "porque"}},
            403,
        ),
        ("caseworker", "POST", "/admin/retrain", {}, 403),
        ("caseworker", "POST", "/admin/reindex", {}, 403),
        ("admin", "POST", "/admin/keys", {"json": {"role": "company", "company_id": 999}}, 422),
        ("admin", "POST", "/admin/keys", {"json": {"role": "analyst", "label": f"x{NUL}"}}, 422),
        ("caseworker", "POST", "/admin/keys", {"json": {"role": "admin"}}, 403),
        ("admin", "DELETE", "/admin/keys/999999", {}, 404),
    ]


def _template(path: str) -> str:
    return re.sub(r"/(\d+)", lambda m: "/{id}", path)


def test_every_write_route_is_refused_without_a_trace(svc):
    ids = _ids(svc)
    cases = _cases(ids)
    writes = {
        (method, re.sub(r"\{[^}]+\}", "{id}", route.path))
        for route in api_routes()
        for method in route.methods - {"GET", "HEAD"}
    }
    assert writes == {(method, _template(path)) for _, method, path, _, _ in cases}
    for role, method, path, arguments, status in cases:
        before = _fingerprint(svc)
        got = svc.client.request(method, path, headers=svc.as_(role), **arguments)
        assert got.status_code == status, (role, method, path, got.text)
        changed = [t for t, h in _fingerprint(svc).items() if before[t] != h]
        assert changed == [], (role, method, path, changed)
