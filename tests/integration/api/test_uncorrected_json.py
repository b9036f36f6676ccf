"""The API writes a shortlist nobody has corrected straight from the engine's fields,
without checking them through the answer's models (see
``service.operations.overrides.uncorrected_json``). What it serves must be the very
answer the checked models give, in every state a list can be in."""

from __future__ import annotations

import json

import pytest

from service.operations.overrides import apply_overrides
from service.oversight_schemas import ReviewedShortlist
from tests.integration.api.conftest import Service


def _checked(service: Service, challenge_id: int, k: int, language: str) -> dict:
    """The answer made through the models: the engine's checked shortlist with no
    correction applied."""
    shortlist = service.runtime.matcher.shortlist(challenge_id, k=k, language=language)
    return json.loads(apply_overrides(shortlist, None, [], k).model_dump_json())


def _served(service: Service, challenge_id: int, k: int, language: str) -> dict:
    response = service.client.get(
        f"/challenges/{challenge_id}/shortlist?k={k}&language={language}",
        headers=service.as_("caseworker"),
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_uncorrected_shortlist_is_served_as_its_checked_models_write_it(
    service: Service, language: str
):
    challenges = sorted(service.runtime.matcher.challenges)[-6:]
    for challenge_id in challenges:
        for k in (1, 12, 50):
            served = _served(service, challenge_id, k, language)
            assert served["candidates"], (challenge_id, k)
            assert served == _checked(service, challenge_id, k, language)
            ReviewedShortlist.model_validate(served)  # and it is a valid answer


def test_an_empty_edition_is_served_as_its_checked_models_write_it(service: Service):
    caseworker = service.as_("caseworker")
    edition = service.client.post(
        "/editions",
        json={"name": "Nobody yet", "start_date": "2027-09-06", "end_date": "2028-01-28"},
        headers=caseworker,
    ).json()["edition_id"]
    challenge = service.client.post(
        "/challenges",
        json={
            "edition_id": edition,
            "company_id": service.companies[0],
            "niche": "cleaning",
            "title": "Limpieza de oficinas",
            "description": "Limpieza de oficinas en Fuenlabrada, turno de tarde.",
            "seats": 6,
        },
        headers=caseworker,
    ).json()["challenge_id"]
    served = _served(service, challenge, 10, "es")
    assert served["candidates"] == [] and served["empty_reason"] == "no_participants"
    assert served == _checked(service, challenge, 10, "es")
