"""A company sees only its own challenges and consenting trainees, blind by default."""

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from matching.domain.results import COMPANY_REASON_FACTORS
from service.tables import ChallengeRow, CompanyRow, ParticipantRow

SENSITIVE_WORDS = (
    "migrant",
    "origin",
    "nationality",
    "gender",
    "birth",
    "religion",
    "ethnicity",
    "district",
    "notes",
    "participant_id",
    "display_name",
)


def _ids(service):
    with service.runtime.sessions() as session:
        challenges = {c.id: c.company_id for c in session.scalars(select(ChallengeRow))}
        companies = list(session.scalars(select(CompanyRow.id)))
    return challenges, companies


def test_randomised_cross_company_access_leaks_nothing(service):
    challenges, companies = _ids(service)
    mine = service.companies[0]
    own = sorted(c for c, owner in challenges.items() if owner == mine)
    others = [c for c, owner in challenges.items() if owner != mine]
    rng = random.Random(0)
    headers = service.as_("company")
    for cid in rng.sample(others, min(40, len(others))):
        for url in (f"/challenges/{cid}", f"/challenges/{cid}/shortlist"):
            assert service.client.get(url, headers=headers).status_code in (403, 404)
        got = service.client.post(
            "/outcomes",
            headers=headers,
            json={"challenge_id": cid, "trainee_id": "T-00000000", "event": "hired"},
        )
        assert got.status_code == 404
    for company in rng.sample([c for c in companies if c != mine], min(20, len(companies) - 1)):
        for url in (f"/companies/{company}", f"/companies/{company}/matches"):
            got = service.client.get(url, headers=headers)
            assert got.status_code == 404 and str(company) in got.json()["detail"]
    listed = service.client.get("/challenges?limit=200", headers=headers).json()
    assert sorted(i["challenge_id"] for i in listed["items"]) == own
    assert listed["total"] == len(own)
    filtered = service.client.get(f"/challenges?company_id={companies[-1]}", headers=headers)
    assert filtered.json()["total"] in (0, len(own))
    assert service.client.get("/outcomes?limit=200", headers=headers).status_code == 200


def test_a_company_lists_only_the_outcomes_it_recorded(service):
    """What caseworkers record about a trainee, and why, stays with the programme."""
    company = service.as_("company")
    view = service.client.get(f"/companies/{service.companies[0]}/matches?k=3", headers=company)
    block = next(b for b in view.json()["challenges"] if b["matches"])
    trainee = block["matches"][0]["trainee"]["trainee_id"]
    cid = block["challenge"]["challenge_id"]
    with service.runtime.sessions() as session:
        person = session.scalar(
            select(ParticipantRow.id).where(ParticipantRow.pseudonym == trainee)
        )
    private = {"event": "dropped_out", "reason": "hearing on Monday, keep it quiet"}
    said = service.client.post(
        "/outcomes",
        headers=service.as_("caseworker"),
        json={"challenge_id": cid, "participant_id": person, **private},
    )
    assert said.status_code == 201
    own = {"challenge_id": cid, "trainee_id": trainee, "event": "interviewed"}
    assert service.client.post("/outcomes", headers=company, json=own).status_code == 201
    listed = service.client.get(f"/outcomes?challenge_id={cid}&limit=200", headers=company)
    assert [o["event"] for o in listed.json()["items"]] == ["interviewed"]
    assert "hearing" not in listed.text


def test_company_view_is_blind_and_has_no_sensitive_fields(service):
    mine = service.companies[0]
    got = service.client.get(f"/companies/{mine}/matches?k=10", headers=service.as_("company"))
    assert got.status_code == 200
    body = got.json()
    text = json.dumps(body).lower()
    for word in SENSITIVE_WORDS:
        assert f'"{word}' not in text, word
    trainees = [m["trainee"] for block in body["challenges"] for m in block["matches"]]
    assert trainees and all(t["name"] is None and t["email"] is None for t in trainees)
    with service.runtime.sessions() as session:
        consent = dict(
            session.execute(select(ParticipantRow.pseudonym, ParticipantRow.consent_share)).all()
        )
    assert all(consent[t["trainee_id"]] for t in trainees)


# the reasons a company may read: what bears on the job. Never the person's
# circumstances (time out of work, education, a device at home, the induction), how
# they resemble the company's earlier trainees, or the company's own record
COMPANY_MAY_SEE = {
    "skills",
    "training",
    "experience",
    "language",
    "commute",
    "schedule",
    "preference",
    "similarity",
}


def test_a_company_reads_only_job_relevant_reasons(service):
    assert COMPANY_REASON_FACTORS == COMPANY_MAY_SEE  # a change to the list is deliberate
    mine = service.companies[0]
    view = service.client.get(
        f"/companies/{mine}/matches?k=50&edition_id=4", headers=service.as_("company")
    ).json()
    block = view["challenges"][0]
    seen = {r["factor"] for m in block["matches"] for r in m["reasons"]}
    assert seen and seen <= COMPANY_MAY_SEE
    # the caseworker's shortlist of the same challenge holds the personal reasons: none
    # of their words reaches the company
    shortlist = service.client.get(
        f"/challenges/{block['challenge']['challenge_id']}/shortlist?k=50",
        headers=service.as_("caseworker"),
    ).json()
    personal = {
        r["text"]
        for c in shortlist["candidates"]
        for r in c["reasons"]
        if r["factor"] not in COMPANY_MAY_SEE
    }
    assert {"background", "readiness"} & {
        r["factor"] for c in shortlist["candidates"] for r in c["reasons"]
    }
    company_text = json.dumps(view, ensure_ascii=False)
    assert personal and not [t for t in personal if t in company_text]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.booleans(), min_size=6, max_size=6), st.integers(0, 10_000))
def test_non_consenting_trainees_never_reach_companies(service, flips, seed):
    mine = service.companies[0]
    headers = service.as_("company")
    first = service.client.get(f"/companies/{mine}/matches?k=20", headers=headers).json()
    shown = [m["trainee"]["trainee_id"] for b in first["challenges"] for m in b["matches"]]
    with service.runtime.sessions() as session:
        by_name = dict(session.execute(select(ParticipantRow.pseudonym, ParticipantRow.id)).all())
    pool = random.Random(seed).sample(shown, min(len(shown), len(flips)))
    decided = {}
    for name, grant in zip(pool, flips, strict=False):
        got = service.client.put(
            f"/participants/{by_name[name]}/consent",
            json={"granted": grant, "text_version": "test"},
            headers=service.as_("caseworker"),
        )
        assert got.status_code == 200
        decided[name] = grant
    after = service.client.get(f"/companies/{mine}/matches?k=20", headers=headers).json()
    visible = {m["trainee"]["trainee_id"] for b in after["challenges"] for m in b["matches"]}
    for name, grant in decided.items():
        if not grant:
            assert name not in visible
    with service.runtime.sessions() as session:
        consent = dict(
            session.execute(select(ParticipantRow.pseudonym, ParticipantRow.consent_share)).all()
        )
    assert all(consent[name] for name in visible)
    for name in decided:  # restore for the next example
        service.client.put(
            f"/participants/{by_name[name]}/consent",
            json={"granted": True, "text_version": "test"},
            headers=service.as_("caseworker"),
        )


def test_contact_release_opens_name_for_that_company_only(service):
    mine, other = service.companies[0], service.companies[1]
    view = service.client.get(f"/companies/{mine}/matches?k=5", headers=service.as_("company"))
    block = next(b for b in view.json()["challenges"] if b["matches"])
    trainee = block["matches"][0]["trainee"]["trainee_id"]
    with service.runtime.sessions() as session:
        person = session.scalar(select(ParticipantRow).where(ParticipantRow.pseudonym == trainee))
    cid = block["challenge"]["challenge_id"]
    refused = service.client.post(
        f"/challenges/{cid}/contact-releases",
        json={"participant_id": person.id, "interview_agreed": False},
        headers=service.as_("caseworker"),
    )
    assert refused.status_code == 422
    done = service.client.post(
        f"/challenges/{cid}/contact-releases",
        json={"participant_id": person.id, "interview_agreed": True},
        headers=service.as_("caseworker"),
    )
    assert done.status_code == 201
    again = service.client.get(f"/companies/{mine}/matches?k=5", headers=service.as_("company"))
    opened = [
        m["trainee"]
        for b in again.json()["challenges"]
        for m in b["matches"]
        if m["trainee"]["trainee_id"] == trainee
    ]
    assert opened and opened[0]["name"] == person.display_name
    elsewhere = service.client.get(
        f"/companies/{other}/matches?k=50", headers=service.as_("other_company")
    ).json()
    for b in elsewhere["challenges"]:
        for m in b["matches"]:
            if m["trainee"]["trainee_id"] == trainee:
                assert m["trainee"]["name"] is None
    audit = service.client.get("/audit?action=contact.release", headers=service.as_("admin"))
    assert trainee in audit.json()["items"][0]["participants"]
