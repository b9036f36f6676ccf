"""Every class of bad input gets a 4xx naming the field, and changes nothing."""

import pytest
from sqlalchemy import func, select

from service.tables import AuditRow, ChallengeRow, OutcomeRow, ParticipantRow
from tests.integration.api.test_records import NEW


def _counts(service):
    with service.runtime.sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(t))
            for t in (ParticipantRow, ChallengeRow, OutcomeRow)
        )


CASES = [
    ("post", "/participants", {**NEW, "shoe_size": 42}, "shoe_size"),
    ("post", "/participants", {**NEW, "edition_id": "four"}, "edition_id"),
    ("post", "/participants", {**NEW, "max_commute_minutes": 9999}, "max_commute_minutes"),
    ("post", "/participants", {**NEW, "display_name": "x" * 500}, "display_name"),
    ("post", "/participants", {**NEW, "display_name": "\u200b\ufeff\u00ad"}, "display_name"),
    ("post", "/participants", {**NEW, "spanish_level": "D9"}, "spanish_level"),
    ("post", "/participants", {**NEW, "district": "Atlantis"}, "district"),
    (
        "post",
        "/participants",
        {
            **NEW,
            "skills": ["http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"],
        },
        "skills",
    ),
    ("post", "/participants", {**NEW, "edition_id": 999}, "edition_id"),
    (
        "post",
        "/participants",
        {**NEW, "niche_preferences": ["retail", "retail"]},
        "niche_preferences",
    ),
    (
        "post",
        "/participants",
        {key: v for key, v in NEW.items() if key != "display_name"},
        "display_name",
    ),
    ("patch", "/participants/3", {"max_commute_minutes": -5}, "max_commute_minutes"),
    (
        "patch",
        "/participants/3",
        {"experience": [{"niche": "astronaut", "years": 2}]},
        "experience",
    ),
    (
        "post",
        "/challenges",
        {"edition_id": 1, "company_id": 1, "niche": "retail", "title": "T", "seats": 0},
        "seats",
    ),
    ("post", "/outcomes", {"challenge_id": 1, "event": "hired"}, "participant_id"),
    ("post", "/outcomes", {"challenge_id": 1, "participant_id": 1, "event": "promoted"}, "event"),
    ("put", "/participants/3/consent", {"granted": "maybe", "text_version": "v"}, "granted"),
    (
        "post",
        "/editions",
        {"name": "E", "start_date": "2024-05-01", "end_date": "2024-01-01"},
        "end_date",
    ),
    (
        "post",
        "/editions",
        {"name": "E", "start_date": "0001-01-01", "end_date": "0001-02-01"},
        "start_date",
    ),
    (
        "post",
        "/editions",
        {"name": "E", "start_date": "2024-01-01", "end_date": "9999-12-31"},
        "end_date",
    ),
]


@pytest.mark.parametrize(("method", "url", "body", "field"), CASES)
def test_bad_bodies_name_the_field_and_store_nothing(service, method, url, body, field):
    before = _counts(service)
    got = getattr(service.client, method)(url, json=body, headers=service.as_("caseworker"))
    assert got.status_code == 422, got.text
    assert field in str(got.json()["detail"])
    assert _counts(service) == before


@pytest.mark.parametrize(
    "url",
    [
        "/challenges/1/shortlist?k=0",
        "/challenges/1/shortlist?k=100000",
        "/participants?limit=5000",
        "/participants?offset=-1",
        "/participants/0",
        "/participants/99999999999999999999",
        "/challenges/1/shortlist?language=klingon",
    ],
)
def test_bad_query_and_path_values(service, url):
    got = service.client.get(url, headers=service.as_("caseworker"))
    assert got.status_code == 422 and got.json()["detail"]


def test_malformed_json_and_oversized_bodies(service):
    headers = {**service.as_("caseworker"), "content-type": "application/json"}
    before = _counts(service)
    assert (
        service.client.post("/participants", content=b"{not json", headers=headers).status_code
        == 422
    )
    huge = b'{"display_name": "' + b"a" * 2_000_000 + b'"}'
    assert service.client.post("/participants", content=huge, headers=headers).status_code == 413

    def chunks():
        for _ in range(40):
            yield b" " * 100_000

    assert (
        service.client.post("/participants", content=chunks(), headers=headers).status_code == 413
    )
    assert _counts(service) == before


def test_unknown_ids_are_404_not_500(service):
    cw = service.as_("caseworker")
    for url in (
        "/participants/123456",
        "/challenges/123456",
        "/challenges/123456/shortlist",
        "/companies/123456",
        "/editions/123456",
    ):
        assert service.client.get(url, headers=cw).status_code == 404
    assert service.client.delete("/participants/123456", headers=cw).status_code == 404


def test_outcomes_are_idempotent_and_company_events_limited(service):
    cw = service.as_("caseworker")
    with service.runtime.sessions() as session:
        before = session.scalar(select(func.count()).select_from(OutcomeRow))
        audits = session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "outcome.record")
        )
    body = {"challenge_id": 2, "participant_id": 10, "event": "interviewed", "client_key": "k-1"}
    first = service.client.post("/outcomes", json=body, headers=cw)
    second = service.client.post("/outcomes", json=body, headers=cw)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    clash = service.client.post("/outcomes", json={**body, "event": "hired"}, headers=cw)
    assert clash.status_code == 409
    with service.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutcomeRow)) == before + 1
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditRow)
                .where(AuditRow.action == "outcome.record")
            )
            == audits + 1
        )
    mine = service.companies[0]
    view = service.client.get(f"/companies/{mine}/matches?k=3", headers=service.as_("company"))
    block = next(b for b in view.json()["challenges"] if b["matches"])
    trainee = block["matches"][0]["trainee"]["trainee_id"]
    cid = block["challenge"]["challenge_id"]
    company = service.as_("company")
    assert (
        service.client.post(
            "/outcomes",
            headers=company,
            json={"challenge_id": cid, "trainee_id": trainee, "event": "completed"},
        ).status_code
        == 422
    )
    hired = service.client.post(
        "/outcomes",
        headers=company,
        json={"challenge_id": cid, "trainee_id": trainee, "event": "hired", "rating": 5},
    )
    assert hired.status_code == 201 and hired.json()["participant_id"] is None
    seen = service.client.get(f"/outcomes?challenge_id={cid}", headers=company).json()
    assert trainee in {o["trainee_id"] for o in seen["items"]}


def test_audit_rows_for_each_call_type_and_read_only(service):
    cw = service.as_("caseworker")
    service.client.get("/challenges/3/shortlist?k=5", headers=cw)
    service.client.get(
        f"/companies/{service.companies[0]}/matches?k=2", headers=service.as_("company")
    )
    service.client.post(
        "/outcomes",
        headers=cw,
        json={"challenge_id": 3, "participant_id": 12, "event": "shortlisted"},
    )
    log = service.client.get("/audit?limit=200", headers=service.as_("analyst")).json()["items"]
    actions = {row["action"] for row in log}
    assert {"shortlist", "company.matches", "outcome.record"} <= actions
    shortlist = next(r for r in log if r["action"] == "shortlist")
    assert shortlist["model_version"] and shortlist["index_version"]
    assert len(shortlist["participants"]) == 5 and shortlist["role"] == "caseworker"
    assert all(p.startswith("T-") for p in shortlist["participants"])
    for method in ("put", "patch", "delete"):
        got = getattr(service.client, method)("/audit", headers=service.as_("admin"))
        assert got.status_code == 405


def test_a_correction_names_only_a_person_of_the_challenges_edition(service):
    """An exclusion is a label for the pair: a pair that could never be shortlisted
    is refused, and nothing is stored."""
    with service.runtime.sessions() as session:
        challenge = session.scalars(select(ChallengeRow)).first()
        stranger = session.scalar(
            select(ParticipantRow.id).where(ParticipantRow.edition_id != challenge.edition_id)
        )
    url = f"/challenges/{challenge.id}/overrides"
    cw = service.as_("caseworker")
    body = {"participant_id": stranger, "action": "exclude", "reason": "not_a_fit"}
    refused = service.client.post(url, json=body, headers=cw)
    assert refused.status_code == 422 and "participant_id" in str(refused.json()["detail"])
    assert service.client.get(url, headers=cw).json() == []


def test_characters_that_show_as_nothing_are_dropped_from_what_is_typed(service):
    """Two names that look the same are stored the same."""
    cw = service.as_("caseworker")
    typed = {**NEW, "display_name": "Ana\u200b Ru\u00adiz\ufeff", "skills_text": ["coser\u2060"]}
    made = service.client.post("/participants", json=typed, headers=cw)
    assert made.status_code == 201
    assert made.json()["display_name"] == "Ana Ruiz"
    assert made.json()["skills_text"] == ["coser"]


def test_a_plan_lock_outside_the_edition_is_a_422_naming_locks(service):
    with service.runtime.sessions() as session:
        elsewhere = session.scalar(select(ChallengeRow.id).where(ChallengeRow.edition_id != 4))
        person = session.scalar(select(ParticipantRow.id).where(ParticipantRow.edition_id == 4))
    for lock in (
        {"participant_id": person, "challenge_id": elsewhere},
        {"participant_id": 999_999, "challenge_id": elsewhere},
    ):
        got = service.client.post(
            "/editions/4/team-plan", json={"locks": [lock]}, headers=service.as_("caseworker")
        )
        assert got.status_code == 422 and "locks" in str(got.json()["detail"]), got.text
