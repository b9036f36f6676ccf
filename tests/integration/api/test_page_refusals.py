"""A refusal reaches a Spanish page in Spanish, in the page's own words, with its
figures: the team planner's infeasible plans and the CV reader's refused files."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient


def signed_in(service, role: str = "caseworker") -> tuple[TestClient, str]:
    client = TestClient(service.client.app)
    client.cookies.set("lang", "es")
    client.post("/app/login", data={"api_key": service.keys[role]}, follow_redirects=False)
    page = client.get("/app/editions").text
    return client, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


class FormReader(HTMLParser):
    """The fields a browser would send from a page's form that posts to ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self.open_field: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if tag == "option" and "selected" in a and self.open_field:
            self.fields[self.open_field] = a.get("value", "")
        if not self.inside or not a.get("name"):
            return
        checkable = a.get("type") in ("checkbox", "radio")
        if tag == "input" and (not checkable or "checked" in a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag in ("textarea", "select"):
            self.open_field = a["name"]
            self.fields.setdefault(a["name"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "select"):
            self.open_field = None
        if tag == "form":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.open_field and self.inside and self.get_starttag_text().startswith("<textarea"):
            self.fields[self.open_field] += data


def edit_form(client: TestClient, url: str) -> dict:
    reader = FormReader(url)
    reader.feed(client.get(url).text)
    return reader.fields


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


def test_an_edit_out_of_bounds_is_told_with_its_limit_and_keeps_the_record(service):
    client, _ = signed_in(service)
    before = service.client.get("/participants/402", headers=service.as_("caseworker")).json()
    for field, typed in (("max_commute_minutes", "1"), ("display_name", "n" * 300)):
        form = edit_form(client, "/app/participants/402/edit") | {field: typed}
        answer = client.post("/app/participants/402/edit", data=form)
        assert answer.status_code == 422, field
        alert = re.search(rf'id="{field}-error"[^>]*>(.*?)<', answer.text, re.S).group(1)
        assert re.search(r"\d", alert), alert  # the limit, in the page's words
    after = service.client.get("/participants/402", headers=service.as_("caseworker")).json()
    assert after == before


def test_a_text_of_the_largest_size_saves_again_unchanged_from_a_browser(service):
    """A browser sends a textarea's line breaks as CR LF."""
    client, _ = signed_in(service)
    text = ("Cocinera en un comedor escolar.\n" * 200)[:5000]
    cw = service.as_("caseworker")
    assert service.client.patch(
        "/participants/403", headers=cw, json={"profile_text": text}
    ).is_success
    form = edit_form(client, "/app/participants/403/edit")
    assert form["profile_text"].strip() == text.strip()
    form["profile_text"] = form["profile_text"].replace("\n", "\r\n")
    answer = client.post("/app/participants/403/edit", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert (
        service.client.get("/participants/403", headers=cw).json()["profile_text"] == text.strip()
    )


def test_odd_digits_huge_ids_and_odd_tokens_are_refused_not_errors(service):
    client, _ = signed_in(service)
    for typed in ("²", "١", "¹⁹⁹⁰"):
        form = edit_form(client, "/app/participants/404/edit") | {"max_commute_minutes": typed}
        answer = client.post("/app/participants/404/edit", data=form)
        assert answer.status_code == 422, typed
    assert client.get("/app/participants/9223372036854775808").status_code == 400
    assert client.get("/app/challenges/99999999999/edit").status_code == 400
    refused = client.post("/app/participants/404/consent", data={"csrf": "é", "granted": "no"})
    assert refused.status_code == 403


def test_a_stray_post_changes_neither_skills_nor_consent(service):
    client, csrf = signed_in(service)
    cw = service.as_("caseworker")
    before = service.client.get("/challenges/3", headers=cw).json()
    assert before["essential_skills"]
    stray = client.post(
        "/app/challenges/3/skills", data={"csrf": csrf, "essential_skills": "nonsense"}
    )
    assert stray.status_code == 422
    assert service.client.get("/challenges/3", headers=cw).json() == before
    consent = service.client.get("/participants/405", headers=cw).json()["consent_share"]
    odd = client.post("/app/participants/405/consent", data={"csrf": csrf, "granted": "maybe"})
    assert odd.status_code == 400
    assert service.client.get("/participants/405", headers=cw).json()["consent_share"] == consent


def test_company_feedback_comes_back_to_the_same_challenge_and_trainee(service):
    client = TestClient(service.client.app)
    client.cookies.set("lang", "es")
    client.post("/app/login", data={"api_key": service.keys["company"]}, follow_redirects=False)
    home = client.get("/app/company").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', home).group(1)
    action, trainee = re.search(
        r'id="t-([^"]+)".*?action="(/app/company/challenges/\d+/feedback)"', home, re.S
    ).group(2, 1)
    sent = client.post(action, data={"csrf": csrf, "trainee_id": trainee, "event": "interviewed"})
    assert sent.url.path == action.removesuffix("/feedback")
    assert sent.url.fragment == f"t-{trainee}"
    assert f'id="t-{trainee}"' in sent.text and 'role="status"' in sent.text


def test_a_new_editions_planner_says_what_is_missing(service):
    client, csrf = signed_in(service)
    cw = service.as_("caseworker")
    made = service.client.post(
        "/editions",
        headers=cw,
        json={"name": "BC Lab Nueva", "start_date": "2026-09-01", "end_date": "2027-02-28"},
    )
    edition = made.json()["edition_id"]
    for page in (
        client.get(f"/app/editions/{edition}/planner"),
        client.post(f"/app/editions/{edition}/planner", data={"csrf": csrf}),
    ):
        assert page.status_code in (200, 422)
        assert "Esta edición aún no tiene retos." in page.text
        assert f'href="/app/challenges/new?edition={edition}"' in page.text
        assert 'id="plan-form"' not in page.text


def test_a_new_person_is_registered_in_the_newest_edition_by_default(service):
    client, _ = signed_in(service)
    editions = service.client.get("/editions", headers=service.as_("caseworker")).json()
    items = editions["items"] if isinstance(editions, dict) else editions
    newest = max(items, key=lambda e: (e["start_date"], e["edition_id"]))["edition_id"]
    form = edit_form(client, "/app/participants/new")
    assert form["edition_id"] == str(newest)


def test_years_are_shown_in_spanish_and_saved_back_unchanged(service):
    client, _ = signed_in(service)
    cw = service.as_("caseworker")
    years = {"experience": [{"niche": "hotel_reception", "years": 1.5}]}
    assert service.client.patch("/participants/406", headers=cw, json=years).is_success
    form = edit_form(client, "/app/participants/406/edit")
    assert form["exp_years_0"] == "1,5"
    saved = client.post("/app/participants/406/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert service.client.get("/participants/406", headers=cw).json()["experience"] == [
        {"niche": "hotel_reception", "years": 1.5}
    ]


def test_a_shortlist_says_what_is_already_on_record_for_the_challenge(service):
    client, _ = signed_in(service)
    cw = service.as_("caseworker")
    first = service.client.get("/challenges/3/shortlist?k=5", headers=cw).json()
    person = first["candidates"][0]["participant_id"]
    body = {"challenge_id": 3, "participant_id": person, "event": "completed"}
    assert service.client.post("/outcomes", json=body, headers=cw).status_code in (200, 201)
    page = client.get("/app/challenges/3?k=5").text
    card = re.search(rf'id="p-{person}".*?</li>', page, re.S).group(0)
    assert "Ya consta para este reto: Terminó la formación" in card


def test_a_refused_correction_comes_back_filled_in_with_its_error_in_reach(service):
    client, csrf = signed_in(service)
    page = client.get("/app/challenges/3?k=5").text
    person = re.search(r'id="p-(\d+)"', page).group(1)
    typed = {"action": "move", "position": "", "reason": "other", "note": "Nota de prueba"}
    answer = client.post(
        "/app/challenges/3/overrides", data={"csrf": csrf, "participant_id": person, **typed}
    )
    assert answer.status_code == 422
    top = answer.text.split('id="shortlist-h"')[0]
    assert f'href="#p-{person}"' in top  # the error is told at the top, linked to the card
    card = re.search(
        rf'id="p-{person}".*?(action="/app/challenges/3/overrides".*?</form>)', answer.text, re.S
    ).group(1)
    assert re.search(r'<option value="move" selected>', card)
    assert re.search(r'<option value="other" selected>', card)
    assert 'value="Nota de prueba"' in card and "autofocus" in card


def test_a_confirmed_team_is_listed_on_its_challenge_and_marked_on_the_shortlist(service):
    client, _ = signed_in(service)
    cw = service.as_("caseworker")
    plan = service.client.post("/editions/4/team-plan", headers=cw, json={}).json()
    teams = [
        {"challenge_id": t["challenge_id"], "members": [m["participant_id"] for m in t["members"]]}
        for t in plan["teams"]
    ]
    assert service.client.put("/editions/4/teams", headers=cw, json={"teams": teams}).is_success
    challenge, members = teams[0]["challenge_id"], teams[0]["members"]
    page = client.get(f"/app/challenges/{challenge}?k=50").text
    team = re.search(r'data-testid="team">(.*?)</ul>', page, re.S).group(1)
    listed = [int(i) for i in re.findall(r'href="/app/participants/(\d+)"', team)]
    assert sorted(listed) == sorted(members)
    assert f"Equipo confirmado: {len(members)} personas" in page
    headings = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'id="p-(\d+)"[^>]*>\s*<h3>.*?</h3>', page, re.S)
    }
    assert headings and all(("en el equipo" in h) == (p in members) for p, h in headings.items())
