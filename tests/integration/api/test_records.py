"""Create / read / update / erase participants; erasure and index repair survive restarts."""

import logging

from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select

from matching.index_files import KIND
from models.artefacts import versions
from service.app import create_app
from service.runtime import open_runtime
from service.tables import AuditRow, ParticipantRow
from tests.integration.api.conftest import open_service

NEW = {
    "edition_id": 4,
    "display_name": "Ana Test",
    "email": "ana@example.org",
    "profile_text": "Nine years as a hotel receptionist on the front desk: check-in, check-out, "
    "bookings and complaints.",
    "skills_text": ["greet guests", "gestionar reservas"],
    "spanish_level": "C2",
    "experience": [{"niche": "hotel_reception", "years": 9}],
    "availability": "flexible",
    "district": "Fuenlabrada Centro",
    "max_commute_minutes": 90,
    "niche_preferences": ["hotel_reception"],
    "consent_share": True,
    "consent_version": "v2",
    "sensitive": {"migrant": False, "gender": "F"},
}


def _latest_challenge(client, headers):
    """A challenge of edition 4; its shortlist with k=200 covers the whole edition."""
    items = client.get("/challenges?edition_id=4", headers=headers).json()
    return items["items"][0]["challenge_id"]


def test_erasure_holds_after_restart(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var")
    cw = svc.as_("caseworker")
    made = svc.client.post("/participants", json=NEW, headers=cw)
    assert made.status_code == 201, made.text
    pid, pseudonym = made.json()["participant_id"], made.json()["pseudonym"]
    cid = _latest_challenge(svc.client, cw)
    listed = svc.client.get(f"/challenges/{cid}/shortlist?k=200", headers=cw).json()
    assert pid in [c["participant_id"] for c in listed["candidates"]]
    root = svc.runtime.matcher.index_root
    svc.runtime.matcher.saving.flush()  # the registration's index version, written now
    assert len(versions(root, KIND)) > 1  # the one saved with the person among them
    assert svc.client.delete(f"/participants/{pid}", headers=cw).status_code == 204
    # no older index version is kept to hold their vector
    [kept] = versions(root, KIND)
    assert kept.version == svc.runtime.matcher.index.version
    assert svc.client.get(f"/participants/{pid}", headers=cw).status_code == 404
    listed = svc.client.get(f"/challenges/{cid}/shortlist?k=200", headers=cw).json()
    assert pid not in [c["participant_id"] for c in listed["candidates"]]
    svc.runtime.close()

    again = open_runtime(svc.settings)
    try:
        assert pid not in again.matcher.index.ids and pid not in again.matcher.pool.row_of
        assert not again.sync.changed
        client = TestClient(create_app(svc.settings, again))
        listed = client.get(f"/challenges/{cid}/shortlist?k=200", headers=cw).json()
        assert pid not in [c["participant_id"] for c in listed["candidates"]]
        with again.sessions() as session:
            rows = list(session.scalars(select(AuditRow)))
        text = " ".join(f"{r.target} {r.request} {r.participants}" for r in rows)
        assert pseudonym in text and "Ana Test" not in text and f"participant:{pid}" not in text
    finally:
        again.close()


def test_index_repaired_after_a_crash_between_database_and_index(
    service_template, tmp_path, caplog
):
    svc = open_service(service_template, tmp_path / "var")
    svc.runtime.close()
    with svc.runtime.sessions() as session:
        template = session.get(ParticipantRow, 5)
        row = {c.name: getattr(template, c.name) for c in ParticipantRow.__table__.columns}
        row.update(
            id=90_001,
            pseudonym="T-ABCDEF01",
            profile_text="Warehouse picker for four "
            "years in Cobo Calleja, forklift licence, packing and stock control.",
        )
        session.execute(insert(ParticipantRow), [row])  # written to the database only
        session.execute(delete(ParticipantRow).where(ParticipantRow.id == 7))  # gone from db
        session.commit()
    with caplog.at_level(logging.WARNING):
        repaired = open_runtime(svc.settings)
    try:
        assert repaired.sync.added == 1 and repaired.sync.removed == 1
        assert "index repaired" in caplog.text
        ids = set(repaired.matcher.index.ids.tolist())
        assert 90_001 in ids and 7 not in ids
    finally:
        repaired.close()
    quiet = open_runtime(svc.settings)
    try:
        assert not quiet.sync.changed
    finally:
        quiet.close()


def test_update_reindexes_and_consent_takes_effect_next_request(service):
    cw = service.as_("caseworker")
    made = service.client.post(
        "/participants", json={**NEW, "display_name": "Luis Upd"}, headers=cw
    ).json()
    pid = made["participant_id"]
    before = service.runtime.matcher.index.vectors([pid])[0]
    changed = service.client.patch(
        f"/participants/{pid}",
        headers=cw,
        json={
            "profile_text": "Gardener and park maintenance for ten years.",
            "experience": [{"niche": "gardening", "years": 10}],
        },
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    after = service.runtime.matcher.index.vectors([pid])[0]
    assert float(before @ after) < 0.95
    company = service.companies[0]
    withdrawn = service.client.put(
        f"/participants/{pid}/consent", headers=cw, json={"granted": False, "text_version": "v2"}
    )
    assert withdrawn.json()["consent_share"] is False and withdrawn.json()["consent_at"]
    view = service.client.get(
        f"/companies/{company}/matches?k=50", headers=service.as_("company")
    ).json()
    shown = {m["trainee"]["trainee_id"] for b in view["challenges"] for m in b["matches"]}
    assert made["pseudonym"] not in shown
    assert service.client.get(f"/participants/{pid}/sensitive", headers=cw).json()["gender"] == "F"


def test_pagination_and_filters(service):
    cw = service.as_("caseworker")
    page = service.client.get("/participants?edition_id=2&limit=7&offset=7", headers=cw).json()
    assert page["limit"] == 7 and len(page["items"]) == 7
    assert all(p["edition_id"] == 2 for p in page["items"])
    first = service.client.get("/participants?edition_id=2&limit=7", headers=cw).json()
    assert not {p["participant_id"] for p in first["items"]} & {
        p["participant_id"] for p in page["items"]
    }
    assert page["total"] == first["total"] > 14
