"""What a worker keeps of the shortlists it served is cheap for the garbage collector:
every answer is kept as its JSON and a few numbers, not as the hundreds of objects it
was made of, which full collections would walk again and again (a pause of hundreds of
milliseconds every few hundred shortlists)."""

from __future__ import annotations

import gc

from tests.integration.api.conftest import Service

CHALLENGE = 22
ANSWERS = 30


def _tracked_after_collection() -> int:
    gc.collect()
    return len(gc.get_objects())


def _ask(service: Service, k: int) -> bytes:
    response = service.client.get(
        f"/challenges/{CHALLENGE}/shortlist?k={k}", headers=service.as_("caseworker")
    )
    assert response.status_code == 200, response.text
    return response.content


def test_kept_shortlists_add_almost_nothing_for_the_collector_to_walk(service: Service):
    _ask(service, 10)  # the first answer reads what every later one reuses
    before = _tracked_after_collection()
    bodies = [_ask(service, k) for k in range(11, 11 + ANSWERS)]
    grown = _tracked_after_collection() - before
    # each answer lists at least 11 candidates with a dozen reasons each: kept as
    # objects, that would be several hundred tracked objects per answer
    assert all(body.count(b'"participant_id"') >= 11 for body in bodies)
    assert grown / ANSWERS < 20, f"{grown} tracked objects kept for {ANSWERS} answers"
    assert _ask(service, 11) == bodies[0]  # and the kept answer is served again
