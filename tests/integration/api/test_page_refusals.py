"""A refusal reaches a Spanish page in Spanish, in the page's own words, with its
figures: the team planner's infeasible plans and the CV reader's refused files."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def signed_in(service, role: str = "caseworker") -> tuple[TestClient, str]:
    client = TestClient(service.client.app)
    client.cookies.set("lang", "es")
    client.post("/app/login", data={"api_key": service.keys[role]}, follow_redirects=False)
    page = client.get("/app/editions").text
    return client, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_an_infeasible_plan_is_told_in_spanish_with_its_figures(service):
    client, csrf = signed_in(service)
    answer = client.post("/app/editions/4/planner", data={"csrf": csrf, "min_share": "100"})
    assert answer.status_code == 422
    alert = re.search(r'<p class="alert" role="alert">(.*?)</p>', answer.text, re.S).group(1)
    assert re.search(r"La regla pide \d+ migrantes .* la edición tiene \d+ disponibles", alert)
    assert "infeasible" not in answer.text


def test_a_refused_cv_file_is_told_in_spanish_beside_the_field(service):
    client, csrf = signed_in(service)
    empty = client.post(
        "/app/participants/401/cv",
        data={"csrf": csrf},
        files={"file": ("cv.pdf", b"", "application/pdf")},
    )
    assert empty.status_code == 422
    assert 'id="cv_error"' in empty.text and "El archivo está vacío." in empty.text
    image = client.post(
        "/app/participants/401/cv",
        data={"csrf": csrf},
        files={"file": ("cv.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")},
    )
    assert "Solo se aceptan archivos PDF y DOCX." in image.text
