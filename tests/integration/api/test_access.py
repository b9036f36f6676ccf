"""Deny by default: every route names its roles; the role x route matrix holds."""

import pytest

from service.app import api_routes
from service.deps import PUBLIC_PATHS, route_roles

ROLES = ("admin", "caseworker", "analyst", "company")
MISSING_ID = 2_000_000_000
PATH = {
    "participant_id": MISSING_ID,
    "company_id": MISSING_ID,
    "challenge_id": MISSING_ID,
    "edition_id": MISSING_ID,
    "key_id": MISSING_ID,
    "override_id": MISSING_ID,
}


def _routes():
    for route in api_routes():
        if route.path in PUBLIC_PATHS:
            continue
        for method in route.methods:
            yield method, route.path, route_roles(route)


def test_every_route_declares_roles():
    for method, path, roles in _routes():
        assert roles, f"{method} {path}"


@pytest.mark.parametrize(("method", "path", "roles"), list(_routes()))
def test_role_matrix(service, method, path, roles):
    url = path.format(**PATH)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    anonymous = service.client.request(method, url, json=body)
    assert anonymous.status_code == 401
    for role in ROLES:
        got = service.client.request(method, url, json=body, headers=service.as_(role))
        if role in roles:
            assert got.status_code not in (401, 403), (role, method, path, got.text)
        else:
            assert got.status_code == 403, (role, method, path, got.status_code)
    bad = service.client.request(method, url, json=body, headers={"X-API-Key": "milma_x_y"})
    assert bad.status_code == 401


def test_bearer_header_and_revoked_keys(service):
    key = service.keys["analyst"]
    assert (
        service.client.get("/audit", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )
    made = service.client.post(
        "/admin/keys", json={"role": "analyst", "label": "temp"}, headers=service.as_("admin")
    )
    assert made.status_code == 201
    temp = made.json()["key"]
    assert service.client.get("/audit", headers={"X-API-Key": temp}).status_code == 200
    listed = service.client.get("/admin/keys", headers=service.as_("admin")).json()
    assert all("key" not in item for item in listed["items"])
    assert (
        service.client.delete(
            f"/admin/keys/{made.json()['id']}", headers=service.as_("admin")
        ).status_code
        == 204
    )
    assert service.client.get("/audit", headers={"X-API-Key": temp}).status_code == 401


def test_health_and_ready_are_public(service):
    assert service.client.get("/health").json() == {"status": "ok"}
    ready = service.client.get("/ready")
    assert ready.status_code == 200 and ready.json()["ready"]
