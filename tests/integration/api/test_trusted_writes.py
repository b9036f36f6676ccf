"""Writes that can be trusted: a company records outcomes only about trainees it was
shown for that challenge, and cannot tell an unseen trainee from one that does not
exist; people and challenges must share an edition; dates fall within the edition's
window; idempotency keys belong to their owner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from service.db import new_pseudonym
from service.operations.outcomes import DAYS_AFTER_EDITION, DAYS_BEFORE_EDITION
from service.tables import (
    ChallengeRow,
    ContactReleaseRow,
    EditionRow,
    OutcomeRow,
    ParticipantRow,
)
from tests.integration.api.conftest import open_service


@pytest.fixture(scope="module")
def svc(service_template, tmp_path_factory):
    service = open_service(service_template, tmp_path_factory.mktemp("trust") / "var")
    yield service
    service.runtime.close()


def _count(svc, table) -> int:
    with svc.runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(table))


def _shown(svc, role: str, company: int) -> tuple[int, list[str]]:
    """A company's edition-4 challenge and the trainees its view showed for it."""
    view = svc.client.get(
        f"/companies/{company}/matches?edition_id=4&k=10", headers=svc.as_(role)
    ).json()
    block = view["challenges"][0]
    return block["challenge"]["challenge_id"], [
        m["trainee"]["trainee_id"] for m in block["matches"]
    ]


def _outcome(svc, role: str, challenge: int, trainee: str, **extra):
    body = {"challenge_id": challenge, "trainee_id": trainee, "event": "rejected", **extra}
    return svc.client.post("/outcomes", json=body, headers=svc.as_(role))


def test_a_company_writes_only_about_trainees_it_was_shown(svc):
    company = svc.companies[0]
    challenge, shown = _shown(svc, "company", company)
    assert shown
    with svc.runtime.sessions() as session:
        edition = session.get(ChallengeRow, challenge).edition_id
        consenting = session.scalars(
            select(ParticipantRow.pseudonym).where(ParticipantRow.consent_share.is_(True))
        ).all()
        same_edition = set(
            session.scalars(
                select(ParticipantRow.pseudonym).where(
                    ParticipantRow.edition_id == edition, ParticipantRow.consent_share.is_(True)
                )
            )
        )
    unseen = sorted(same_edition - set(shown))[0]  # consenting, same edition, never shown
    other_edition = sorted(set(consenting) - same_edition)[0]
    missing = new_pseudonym()
    before = _count(svc, OutcomeRow)
    answers = {t: _outcome(svc, "company", challenge, t) for t in (unseen, other_edition, missing)}
    for trainee, got in answers.items():
        assert got.status_code == 404, got.text
        # the same answer, but for the id: nothing tells an unseen trainee from no trainee
        assert got.json() == {"detail": f"trainee {trainee} not found"}
    assert _count(svc, OutcomeRow) == before
    assert _outcome(svc, "company", challenge, shown[0]).status_code == 201
    # shown for its own challenge, not for another company's
    other_challenge, other_shown = _shown(svc, "other_company", svc.companies[1])
    only_other = next(t for t in other_shown if t not in shown)
    assert _outcome(svc, "company", challenge, only_other).status_code == 404
    assert _outcome(svc, "other_company", other_challenge, only_other).status_code == 201


def test_idempotency_keys_belong_to_their_owner(svc):
    challenge, shown = _shown(svc, "company", svc.companies[0])
    other_challenge, other_shown = _shown(svc, "other_company", svc.companies[1])
    key = {"client_key": "feedback-0001"}
    first = _outcome(svc, "company", challenge, shown[1], **key)
    assert first.status_code == 201
    # another company's same key neither collides nor reveals that the first exists
    assert _outcome(svc, "other_company", other_challenge, other_shown[1], **key).status_code == 201
    with svc.runtime.sessions() as session:
        person = session.scalar(
            select(ParticipantRow.id).where(ParticipantRow.pseudonym == shown[1])
        )
    by_caseworker = svc.client.post(
        "/outcomes",
        json={"challenge_id": challenge, "participant_id": person, "event": "joined", **key},
        headers=svc.as_("caseworker"),
    )
    assert by_caseworker.status_code == 201
    again = _outcome(svc, "company", challenge, shown[1], **key)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert _outcome(svc, "company", challenge, shown[2], **key).status_code == 409


def _edition_dates(svc, challenge: int) -> tuple[date, date]:
    with svc.runtime.sessions() as session:
        edition = session.get(EditionRow, session.get(ChallengeRow, challenge).edition_id)
        return edition.start_date, edition.end_date


def test_people_and_challenges_share_an_edition_and_dates_fall_in_its_window(svc):
    cw = svc.as_("caseworker")
    challenge, _ = _shown(svc, "company", svc.companies[0])
    with svc.runtime.sessions() as session:
        edition = session.get(ChallengeRow, challenge).edition_id
        own = session.scalar(select(ParticipantRow.id).where(ParticipantRow.edition_id == edition))
        other = session.scalar(
            select(ParticipantRow.id).where(
                ParticipantRow.edition_id != edition, ParticipantRow.consent_share.is_(True)
            )
        )
    before = (_count(svc, OutcomeRow), _count(svc, ContactReleaseRow))

    def outcome(person: int, **extra):
        body = {"challenge_id": challenge, "participant_id": person, "event": "joined", **extra}
        return svc.client.post("/outcomes", json=body, headers=cw)

    wrong = outcome(other)
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "participant_id"
    release = svc.client.post(
        f"/challenges/{challenge}/contact-releases",
        json={"participant_id": other, "interview_agreed": True},
        headers=cw,
    )
    assert release.status_code == 422
    assert release.json()["detail"][0]["loc"][-1] == "participant_id"
    start, end = _edition_dates(svc, challenge)
    for at in (
        "0001-01-01T00:00:00Z",
        "9999-12-31T00:00:00Z",
        f"{start - timedelta(days=DAYS_BEFORE_EDITION + 1)}T12:00:00Z",
        f"{end + timedelta(days=DAYS_AFTER_EDITION + 1)}T12:00:00Z",
    ):
        got = outcome(own, at=at)
        assert got.status_code == 422, (at, got.text)
        assert got.json()["detail"][0]["loc"][-1] == "at"
    assert (_count(svc, OutcomeRow), _count(svc, ContactReleaseRow)) == before
    for at in (
        f"{start - timedelta(days=DAYS_BEFORE_EDITION - 1)}T12:00:00Z",
        f"{end + timedelta(days=DAYS_AFTER_EDITION - 1)}T12:00:00Z",
    ):
        assert outcome(own, at=at).status_code == 201, at


def test_an_outcome_dated_in_the_future_is_refused(svc):
    cw = svc.as_("caseworker")
    today = date.today()
    edition = svc.client.post(
        "/editions",
        json={
            "name": "En curso",
            "start_date": str(today - timedelta(days=30)),
            "end_date": str(today + timedelta(days=150)),
        },
        headers=cw,
    ).json()["edition_id"]
    challenge = svc.client.post(
        "/challenges",
        json={
            "edition_id": edition,
            "company_id": svc.companies[0],
            "niche": "retail",
            "title": "Reponedores",
        },
        headers=cw,
    ).json()["challenge_id"]
    person = svc.client.post(
        "/participants", json={"edition_id": edition, "display_name": "Ana"}, headers=cw
    ).json()["participant_id"]
    body = {"challenge_id": challenge, "participant_id": person, "event": "joined"}
    ahead = svc.client.post(
        "/outcomes", json={**body, "at": f"{today + timedelta(days=3)}T09:00:00Z"}, headers=cw
    )
    assert ahead.status_code == 422 and "future" in ahead.json()["detail"][0]["msg"]
    assert svc.client.post("/outcomes", json=body, headers=cw).status_code == 201


def test_a_challenge_that_changes_hands_starts_with_nobody_shown(svc):
    """What one company was shown is not the next one's to judge, nor to read."""
    challenge, shown = _shown(svc, "company", svc.companies[0])
    assert _outcome(svc, "company", challenge, shown[0]).status_code in (200, 201)
    cw = svc.as_("caseworker")
    moved = {"company_id": svc.companies[1]}
    try:
        assert svc.client.patch(f"/challenges/{challenge}", json=moved, headers=cw).is_success
        assert _outcome(svc, "other_company", challenge, shown[0]).status_code == 404
        read = svc.client.get(
            f"/outcomes?challenge_id={challenge}", headers=svc.as_("other_company")
        ).json()
        assert read["items"] == []
    finally:
        back = {"company_id": svc.companies[0]}
        svc.client.patch(f"/challenges/{challenge}", json=back, headers=cw)
