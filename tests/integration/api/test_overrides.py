"""Caseworkers correct shortlists: pin, move, exclude with a reason; the next caseworker
sees it, it is audited, bad corrections change nothing, and exclusions that say
something about the pair become training labels."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.db import training_events
from service.security import create_key
from service.tables import AuditRow, OverrideRow
from tests.integration.api.conftest import open_service

CHALLENGE = 22
URL = f"/challenges/{CHALLENGE}"


@pytest.fixture(scope="module")
def svc(service_template, tmp_path_factory):
    service = open_service(service_template, tmp_path_factory.mktemp("overrides") / "var")
    with service.runtime.sessions() as session:
        service.keys["second_caseworker"] = create_key(session, "caseworker")[0]
    yield service
    service.runtime.close()


def _ids(listing: dict) -> list[int]:
    return [c["participant_id"] for c in listing["candidates"]]


def _correct(svc, **body):
    return svc.client.post(f"{URL}/overrides", json=body, headers=svc.as_("caseworker"))


def test_corrections_apply_for_the_next_caseworker_and_are_audited(svc):
    cw = svc.as_("caseworker")
    engine = svc.client.get(f"{URL}/shortlist?k=40", headers=cw).json()
    order = _ids(engine)
    far, first, second = order[30], order[0], order[1]

    assert (
        _correct(svc, participant_id=far, action="pin", reason="knows_the_person").status_code
        == 201
    )
    assert (
        _correct(
            svc, participant_id=first, action="move", position=4, reason="circumstances_changed"
        ).status_code
        == 201
    )
    made = _correct(
        svc, participant_id=second, action="exclude", reason="not_interested", note="dijo que no"
    )
    assert made.status_code == 201
    excluded = made.json()

    seen = svc.client.get(f"{URL}/shortlist?k=10", headers=svc.as_("second_caseworker")).json()
    ids = _ids(seen)
    assert len(ids) == 10
    assert ids[0] == far and seen["candidates"][0]["model_rank"] == 31
    assert seen["candidates"][0]["override"]["reason"] == "knows_the_person"
    assert ids[3] == first and seen["candidates"][3]["override"]["action"] == "move"
    assert second not in ids
    assert excluded in seen["overrides"]
    # everyone else keeps the engine's order
    rest = [p for p in ids if p not in (far, first)]
    assert rest == [p for p in order if p not in (far, first, second)][: len(rest)]

    with svc.runtime.sessions() as session:
        actions = [
            a.action
            for a in session.scalars(select(AuditRow).where(AuditRow.action.like("shortlist.%")))
        ]
        assert {"shortlist.pin", "shortlist.move", "shortlist.exclude"} <= set(actions)
        labels = training_events(session)
    declined = labels[(labels.event == "declined") & (labels.challenge_id == CHALLENGE)]
    assert second in set(declined.participant_id) and far not in set(declined.participant_id)

    gone = svc.client.delete(f"{URL}/overrides/{excluded['override_id']}", headers=cw)
    assert gone.status_code == 204
    again = svc.client.get(f"{URL}/shortlist?k=10", headers=cw).json()
    assert second in _ids(again)
    assert (
        svc.client.delete(f"{URL}/overrides/{excluded['override_id']}", headers=cw).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"participant_id": 1, "action": "move", "reason": "not_a_fit"}, 422, "position"),
        (
            {"participant_id": 1, "action": "pin", "position": 3, "reason": "not_a_fit"},
            422,
            "position",
        ),
        ({"participant_id": 1, "action": "exclude", "reason": "other"}, 422, "note"),
        ({"participant_id": 1, "action": "hide", "reason": "not_a_fit"}, 422, "action"),
        ({"participant_id": 1, "action": "exclude", "reason": "dislike"}, 422, "reason"),
        ({"participant_id": 999999, "action": "exclude", "reason": "not_a_fit"}, 404, None),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_is_stored(svc, body, status, field):
    with svc.runtime.sessions() as session:
        before = len(session.scalars(select(OverrideRow)).all())
    got = _correct(svc, **body)
    assert got.status_code == status, got.text
    if field:
        assert field in str(got.json()["detail"])
    with svc.runtime.sessions() as session:
        assert len(session.scalars(select(OverrideRow)).all()) == before


def test_only_caseworkers_correct_and_companies_never_see_the_reasons(svc):
    for role in ("company", "analyst"):
        got = svc.client.post(
            f"{URL}/overrides",
            json={"participant_id": 1, "action": "exclude", "reason": "not_a_fit"},
            headers=svc.as_(role),
        )
        assert got.status_code == 403
    company = svc.client.get(f"/companies/{svc.companies[0]}/matches", headers=svc.as_("company"))
    assert company.status_code == 200
    assert "not_interested" not in company.text and "override" not in company.text


def test_the_page_form_shows_a_bad_correction_beside_the_candidate(svc):
    client = svc.client
    client.post("/app/login", data={"api_key": svc.keys["caseworker"], "next": "/app"})
    page = client.get(f"/app{URL}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    person = re.search(r'data-participant="(\d+)"', page.text).group(1)
    form = {"csrf": token, "participant_id": person, "action": "exclude", "reason": "other"}
    got = client.post(f"/app{URL}/overrides", data=form, follow_redirects=False)
    assert got.status_code == 422
    assert f'id="ov-action-{person}"' in got.text and "note" in got.text
    saved = client.post(
        f"/app{URL}/overrides", data={**form, "note": "se ha mudado"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert "se ha mudado" in client.get(f"/app{URL}").text


def test_a_repeated_shortlist_is_audited_each_time_and_a_correction_changes_it(svc):
    """The worker reuses the JSON of a shortlist it served while nothing it was made of
    has changed; each request still writes its audit row, and a correction is seen by
    the very next request."""
    cw = svc.as_("caseworker")
    url = f"{URL}/shortlist?k=7"

    def audited() -> list[list[str]]:
        with svc.runtime.sessions() as session:
            rows = session.scalars(
                select(AuditRow).where(AuditRow.action == "shortlist").order_by(AuditRow.id)
            )
            return [r.participants for r in rows if r.request["k"] == 7]

    before = len(audited())
    first, second = svc.client.get(url, headers=cw), svc.client.get(url, headers=cw)
    assert first.status_code == second.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.content == second.content
    logged = audited()
    assert len(logged) == before + 2 and logged[-1] == logged[-2] and len(logged[-1]) == 7

    dropped = _ids(first.json())[2]
    made = _correct(svc, participant_id=dropped, action="exclude", reason="not_a_fit")
    assert made.status_code == 201
    after = svc.client.get(url, headers=cw).json()
    assert dropped not in _ids(after) and len(_ids(after)) == 7
    assert made.json() in after["overrides"]
    assert len(audited()) == before + 3
    svc.client.delete(f"{URL}/overrides/{made.json()['override_id']}", headers=cw)
    assert dropped in _ids(svc.client.get(url, headers=cw).json())
