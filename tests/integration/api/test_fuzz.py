"""Schemathesis against the app's own OpenAPI schema: no input makes a server error.

Each operation is called with a key of a role allowed on it, and about half of the
generated ids are swapped for ids that exist, so the fuzzing reaches past the 404s.
(The operations are driven with their Hypothesis strategies directly, because
schemathesis' pytest plugin does not load under this pytest version.)
"""

import schemathesis
from hypothesis import HealthCheck, given, settings

from service.app import api_routes
from service.deps import route_roles

ROLE_FOR = {(m, r.path): route_roles(r) for r in api_routes() for m in r.methods}


def _seed_ids(values: dict | None, valid: dict[str, list[int]]) -> None:
    for name, value in list((values or {}).items()):
        if name in valid and isinstance(value, int) and value % 2 == 0:
            values[name] = valid[name][(value // 2) % len(valid[name])]


def _fuzz(operation, headers: dict, valid: dict, failures: list) -> None:
    @settings(
        max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(operation.as_strategy())
    def run(case):
        _seed_ids(case.path_parameters, valid)
        _seed_ids(case.query, valid)
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(
                (case.method, case.formatted_path, case.query, case.body, response.text[:200])
            )

    run()


def test_no_server_errors(service):
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.client.app)
    valid = {
        "participant_id": list(range(1, 120)),
        "challenge_id": list(range(1, 29)),
        "company_id": list(service.companies),
        "edition_id": [1, 2, 3, 4],
    }
    failures: list = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        roles = ROLE_FOR.get((operation.method.upper(), operation.path)) or ("caseworker",)
        _fuzz(operation, {"X-API-Key": service.keys[roles[0]]}, valid, failures)
    assert not failures, failures[:5]
