"""A person's placements through the API (a real app, SQLite file, FAISS index and
trained ranker): caseworkers only, behind the stop switch and consent, audited, with
the companies' names and the confirmed teams read from the record."""

from __future__ import annotations

from sqlalchemy import func, select

from service.tables import AuditRow, CompanyRow, ParticipantRow

URL = "/participants/{}/placements"


def consenting(service, edition: int = 4) -> list[ParticipantRow]:
    with service.runtime.sessions() as session:
        return list(
            session.scalars(
                select(ParticipantRow)
                .where(
                    ParticipantRow.edition_id == edition,
                    ParticipantRow.consent_share,
                    ParticipantRow.available,
                )
                .order_by(ParticipantRow.id)
            )
        )


def audit_rows(service) -> list[AuditRow]:
    with service.runtime.sessions() as session:
        return list(
            session.scalars(
                select(AuditRow)
                .where(AuditRow.action == "participant.placements")
                .order_by(AuditRow.id)
            )
        )


def test_a_caseworker_gets_the_placements_named_explained_and_audited(service):
    cw = service.as_("caseworker")
    row = consenting(service)[0]
    got = service.client.get(URL.format(row.id) + "?k=3", headers=cw)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["state"] == "ranked" and body["edition_id"] == 4 and body["open_challenges"] == 7
    assert body["scoring"].startswith("learned") and body["model_version"]
    with service.runtime.sessions() as session:
        names = dict(session.execute(select(CompanyRow.id, CompanyRow.name)).all())
    assert [p["rank"] for p in body["placements"]] == [1, 2, 3]
    for p in body["placements"]:
        assert p["company_name"] == names[p["company_id"]]
        assert p["title"] and p["reasons"] and p["contest"] and p["shortlist_rank"] >= 1
        assert p["stronger_candidates"] == p["shortlist_rank"] - 1
        assert p["contested"] is (p["stronger_candidates"] >= p["seats"])
    assert body["plan"]["source"] == "proposed" and body["plan"]["why"]
    shortlist = service.client.get(
        f"/challenges/{body['placements'][0]['challenge_id']}/shortlist?k=200", headers=cw
    ).json()
    entry = next(c for c in shortlist["candidates"] if c["participant_id"] == row.id)
    assert entry["model_rank"] == body["placements"][0]["shortlist_rank"]
    assert entry["p_hire"] == body["placements"][0]["p_hire"]

    spanish = service.client.get(URL.format(row.id) + "?k=3&language=es", headers=cw).json()
    assert spanish["note"].startswith("3 de los 7 retos de la edición 4")
    assert spanish["placements"][0]["contest"].startswith("Puesto ")
    assert [p["challenge_id"] for p in spanish["placements"]] == [
        p["challenge_id"] for p in body["placements"]
    ]

    english, es = audit_rows(service)[-2:]
    assert english.participants == es.participants == [row.pseudonym]
    assert english.target == f"participant:{row.pseudonym}" and english.role == "caseworker"
    assert english.request == {"k": 3, "language": "en", "state": "ranked"}
    assert english.model_version == body["model_version"] and english.index_version
    # the whole list: the count alone
    everything = service.client.get(URL.format(row.id) + "?k=50&language=es", headers=cw).json()
    assert everything["note"].startswith("7 retos de la edición 4")


def test_only_caseworkers_may_ask(service):
    row = consenting(service)[0]
    for role in ("company", "analyst", "admin"):
        assert service.client.get(URL.format(row.id), headers=service.as_(role)).status_code == 403
    assert service.client.get(URL.format(row.id)).status_code == 401


def test_bad_input_names_the_field_and_is_not_audited(service):
    cw = service.as_("caseworker")
    row = consenting(service)[0]
    before = len(audit_rows(service))
    limit = service.settings.max_shortlist_k
    for query, field in (
        ("k=0", "k"),
        (f"k={limit + 1}", "k"),
        ("k=many", "k"),
        ("language=fr", "language"),
    ):
        got = service.client.get(URL.format(row.id) + "?" + query, headers=cw)
        assert got.status_code == 422, query
        assert got.json()["detail"][0]["loc"] == ["query", field], got.json()
    assert (
        "between 1 and"
        in service.client.get(URL.format(row.id) + "?k=0", headers=cw).json()["detail"][0]["msg"]
    )
    assert service.client.get(URL.format(123_456), headers=cw).status_code == 404
    assert service.client.get(URL.format(0), headers=cw).status_code == 422
    assert len(audit_rows(service)) == before
    assert service.client.get(URL.format(row.id) + f"?k={limit}", headers=cw).status_code == 200


def test_without_consent_the_answer_is_empty_and_says_why(service):
    cw = service.as_("caseworker")
    row = consenting(service)[1]
    consent = f"/participants/{row.id}/consent"
    withdrawn = {"granted": False, "text_version": "2024-consent-v2"}
    assert service.client.put(consent, json=withdrawn, headers=cw).status_code == 200
    try:
        body = service.client.get(URL.format(row.id), headers=cw).json()
        assert body["state"] == "no_consent" and body["placements"] == [] and body["plan"] is None
        assert "consent" in body["note"]
        assert audit_rows(service)[-1].request["state"] == "no_consent"
    finally:
        granted = {"granted": True, "text_version": "2024-consent-v2"}
        assert service.client.put(consent, json=granted, headers=cw).status_code == 200
    assert service.client.get(URL.format(row.id), headers=cw).json()["state"] == "ranked"


def test_the_stop_switch_rules_and_pauses_placements(service):
    cw, admin = service.as_("caseworker"), service.as_("admin")
    row = consenting(service)[2]
    with service.runtime.sessions() as session:
        audited = session.scalar(select(func.count()).select_from(AuditRow))

    def switch(mode: str, reason: str) -> None:
        turned = service.client.put(
            "/admin/controls", json={"mode": mode, "reason": reason}, headers=admin
        )
        assert turned.status_code == 200

    switch("rules", "checking the ranker after an import")
    try:
        ruled = service.client.get(URL.format(row.id), headers=cw).json()
        assert "switched off: checking the ranker after an import" in ruled["scoring"]
        assert ruled["model_version"] is None
        switch("paused", "review of the placements")
        paused = service.client.get(URL.format(row.id), headers=cw)
        assert paused.status_code == 503
        assert "review of the placements" in paused.json()["detail"]
    finally:
        switch("learned", "back to normal")
    assert (
        service.client.get(URL.format(row.id), headers=cw).json()["scoring"].startswith("learned")
    )
    with service.runtime.sessions() as session:
        # three turns of the switch and the two answers; the refusal is not audited
        assert session.scalar(select(func.count()).select_from(AuditRow)) == audited + 5


def test_the_confirmed_teams_are_where_the_plan_puts_a_person(service):
    cw = service.as_("caseworker")
    plan = service.client.post("/editions/4/team-plan", json={}, headers=cw).json()
    teams = [
        {"challenge_id": t["challenge_id"], "members": [m["participant_id"] for m in t["members"]]}
        for t in plan["teams"]
    ]
    assert (
        service.client.put("/editions/4/teams", json={"teams": teams}, headers=cw).status_code
        == 200
    )
    members = {p: t["challenge_id"] for t in teams for p in t["members"]}
    rows = [r for r in consenting(service) if r.id in members][:5]
    for row in rows:
        body = service.client.get(URL.format(row.id) + "?k=7", headers=cw).json()
        assert body["plan"]["source"] == "confirmed"
        assert body["plan"]["challenge_id"] == members[row.id]
        assert [p["challenge_id"] for p in body["placements"] if p["planned"]] == [members[row.id]]
