"""Each role's day in the pages, end to end, at phone and desktop width, in Spanish:
the real service (`milma serve`) driven through Debian's chromium, with axe-core's
accessibility pass on the pages each day opens."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from matching.domain.catalogue import load_catalogue
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    fits_the_screen,
    new_page,
    shot,
    sign_in,
)
from tests.cv_samples import docx_cv, pdf_cv, posting

pytestmark = pytest.mark.browser
WIDTHS = [pytest.param(PHONE, id="390px"), pytest.param(DESKTOP, id="1280px")]
WAITRESS = (
    "Soy camarera. Trabajé cinco años en bares y restaurantes de Fuenlabrada sirviendo "
    "mesas, preparando cafés y atendiendo a los clientes en barra. Me gustaría seguir en "
    "la hostelería."
)


def checked(page: Page, problems: dict) -> None:
    """The page fits its screen and passes axe; problems are gathered per page."""
    found = [(v["id"], v["help"]) for v in axe_violations(page)]
    if not fits_the_screen(page):
        found.append(("width", page.evaluate("() => document.documentElement.scrollWidth")))
    if found:
        problems[page.url] = found


def register(page: Page, base: str, name: str, text: str = "", cv: bytes | None = None) -> int:
    """A person registered through the form; returns their id from the page they land on."""
    page.goto(f"{base}/app/participants")
    page.get_by_role("link", name="Inscribir a una persona").click()
    page.fill("#display_name", name)
    page.select_option("#edition_id", "4")
    if text:
        page.fill("#profile_text", text)
    if cv is not None:
        page.set_input_files(
            "#file", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": cv}]
        )
    page.select_option("#spanish_level", "C1")
    page.fill("#max_commute_minutes", "90")
    page.check("#pref-hospitality")
    page.check("#consent_share")
    page.check("#migrant-yes")
    page.get_by_role("button", name="Inscribir", exact=True).click()
    expect(page.locator(".notice")).to_have_text("La persona queda inscrita.")
    return int(page.url.split("/app/participants/")[1].split("?")[0])


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_caseworkers_day(browser, server, output_dir, viewport):
    page = new_page(browser, viewport)
    base, width = server["base"], viewport["width"]
    problems: dict = {}
    sign_in(page, base, server["keys"]["caseworker"])
    expect(page.locator("h1")).to_have_text("Ediciones")
    checked(page, problems)

    # a form sent empty says what is missing, next to the field and at the top
    page.goto(f"{base}/app/participants/new")
    page.get_by_role("button", name="Inscribir", exact=True).click()
    expect(page.locator("#display_name-error")).to_have_text("Rellene este dato.")
    expect(page.locator(".error-summary")).to_contain_text("Nombre")
    checked(page, problems)

    # from pasted Spanish text
    name = f"Lucía Romero {width}"
    person = register(page, base, name, WAITRESS)
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator(".niches li").first).to_contain_text("Hostelería")
    expect(page.locator("#profile-h + p[lang=es]")).to_contain_text("camarera")
    checked(page, problems)
    shot(page, output_dir, f"participant-{width}")

    # from a PDF CV
    title, body = posting("hospitality")
    other = register(page, base, f"Con currículum {width}", cv=pdf_cv(title, body))
    expect(page.locator("#profile-h + p")).to_contain_text(title.split()[0])

    # edit her
    page.goto(f"{base}/app/participants/{person}")
    page.get_by_role("link", name="Editar").click()
    page.select_option("#availability", "morning")
    page.get_by_role("button", name="Guardar los cambios").click()
    expect(page.locator(".notice")).to_have_text("Guardado.")
    expect(page.locator("dl.facts")).to_contain_text("mañanas")

    # find her in a shortlist, with her reasons
    page.goto(f"{base}/app/challenges/23?k=40&filtered=1&fairness=1")
    card = page.locator(f"#p-{person}")
    expect(card).to_be_visible()
    expect(card.locator("h3")).to_contain_text("Lucía R.")
    expect(card.locator(".facts")).to_contain_text("Español C1")
    card.locator("summary", has_text="Por qué está en este puesto").click()
    expect(card.locator("ul.reasons li").first).to_be_visible()
    checked(page, problems)
    shot(page, output_dir, f"shortlist-{width}")

    # record an outcome: the page comes back at her card; the same again is not stored
    for notice in ("Guardado.", "Ese resultado ya constaba"):
        card.locator("select[name=event]").select_option("interviewed")
        card.locator("input[name=reason]").fill("entrevista el lunes")
        card.get_by_role("button", name="Guardar", exact=True).click()
        expect(page.locator(".notice").first).to_contain_text(notice)
        assert page.url.endswith(f"#p-{person}")
    rows = page.locator("[data-testid=history] tbody tr").filter(has_text="entrevista el lunes")
    expect(rows).to_have_count(1)

    # plan the edition's teams
    page.goto(f"{base}/app/editions/4/planner")
    page.get_by_role("button", name="Hacer un plan").click()
    teams = page.locator("section.team")
    expect(teams.first).to_be_visible()
    for span in page.locator(".composition").all():
        migrants = int(span.get_attribute("data-migrants"))
        assert migrants >= int(span.get_attribute("data-required"))
    checked(page, problems)
    shot(page, output_dir, f"planner-{width}")

    # erase a person, after typing the name
    page.goto(f"{base}/app/participants/{other}")
    page.get_by_role("link", name="Borrar a esta persona").click()
    expect(page.locator(".warning-box")).to_contain_text("No se puede deshacer")
    page.fill("#confirm_name", "otra persona")
    page.get_by_role("button", name="Borrar definitivamente").click()
    expect(page.locator("#confirm_name-error")).to_be_visible()
    page.fill("#confirm_name", f"con currículum {width}")
    page.get_by_role("button", name="Borrar definitivamente").click()
    expect(page.locator(".notice")).to_contain_text("Se ha borrado")
    assert page.goto(f"{base}/app/participants/{other}").status == 404
    expect(page.locator("nav")).to_contain_text("Participantes")  # a 404 keeps the menu
    page.context.close()
    assert not problems, problems


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_companys_day(browser, server, output_dir, viewport):
    page = new_page(browser, viewport)
    base = server["base"]
    sign_in(page, base, server["keys"]["company"])
    trainees = page.locator("li.trainee")
    expect(trainees.first).to_be_visible()
    assert "@example.org" not in page.content()
    first = trainees.first.get_attribute("data-trainee")
    trainees.first.get_by_role("button", name="Entrevistado/a").click()
    expect(page.locator(".notice")).to_contain_text("Gracias")
    assert page.url.endswith(f"#t-{first}")
    expect(page.locator("#released-h")).to_be_visible()
    problems: dict = {}
    checked(page, problems)
    shot(page, output_dir, f"company-{viewport['width']}")
    with httpx.Client(base_url=base, headers={"X-API-Key": server["keys"]["caseworker"]}) as api:
        other = next(
            c["challenge_id"]
            for c in api.get("/challenges?limit=200").json()["items"]
            if c["company_id"] != server["companies"][0]
        )
    assert page.goto(f"{base}/app/company/challenges/{other}").status == 404
    expect(page.locator("h1")).to_have_text("Página no encontrada")
    page.context.close()
    assert not problems, problems


@pytest.mark.parametrize("viewport", WIDTHS)
def test_an_admins_day(browser, server, output_dir, viewport):
    page = new_page(browser, viewport)
    base, width = server["base"], viewport["width"]
    problems: dict = {}
    sign_in(page, base, server["keys"]["admin"])
    page.goto(f"{base}/app/companies/new")
    page.fill("#name", f"Jardines del Sur {width} S.L.")
    page.select_option("#sector", "gardening")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".notice")).to_have_text("Guardado.")
    checked(page, problems)
    page.get_by_role("link", name="Crear una clave para esta empresa").click()
    page.fill("#label", "Recursos humanos")
    page.get_by_role("button", name="Crear la clave").click()
    key = page.locator("[data-testid=new-key]").inner_text().strip()
    assert key.startswith("milma_")
    checked(page, problems)
    shot(page, output_dir, f"new-key-{width}")

    company = new_page(browser, viewport)
    sign_in(company, base, key)
    expect(company.locator("[data-testid=no-challenges]")).to_be_visible()
    checked(company, problems)

    page.goto(f"{base}/app/admin/keys")
    row = page.locator("[data-testid=keys] li").filter(has_text="Recursos humanos").first
    row.get_by_role("button", name="Retirar").click()
    expect(page.locator(".notice")).to_contain_text("se ha retirado")
    company.reload()
    assert "/app/login" in company.url
    company.context.close()

    turn_switch(page, base, "paused", "revisión de las listas")
    checked(page, problems)
    caseworker = new_page(browser, viewport)
    sign_in(caseworker, base, server["keys"]["caseworker"])
    caseworker.goto(f"{base}/app/challenges/23")
    expect(caseworker.locator("main .notice")).to_contain_text("revisión de las listas")
    expect(caseworker.locator("[data-testid=shortlist]")).to_have_count(0)
    caseworker.context.close()
    turn_switch(page, base, "learned", "revisado")
    page.context.close()
    assert not problems, problems


def turn_switch(page: Page, base: str, mode: str, reason: str) -> None:
    page.goto(f"{base}/app/admin")
    page.check(f"#mode-{mode}")
    page.fill("#controls-reason", reason)
    page.get_by_role("button", name="Cambiar").click()
    expect(page.locator("[data-testid=controls-now]")).to_contain_text(reason)


def test_an_empty_new_edition_explains_itself(page, server):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/challenges/{server['empty_challenge']}")
    expect(page.locator("[data-testid=empty-shortlist]")).to_contain_text("Aún no hay nadie")
    sign_in(page, server["base"], server["keys"]["company"])
    expect(page.locator("body")).not_to_contain_text("Algo falló")


def test_a_new_challenge_from_the_companys_words(page, server, output_dir):
    """Step one takes the company's words, step two confirms the niche and skills read
    from them (official Spanish ESCO labels), then the challenge is saved."""
    catalogue = load_catalogue()
    spanish = dict(zip(catalogue.skills["uri"], catalogue.skills["label_es"], strict=True))
    english = dict(zip(catalogue.skills["uri"], catalogue.skills["label_en"], strict=True))
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/challenges/new")
    page.select_option("#edition_id", str(server["new_edition"]))
    page.fill("#title", "Camareros/as de sala")
    page.fill(
        "#description",
        "Restaurante busca camareros para servir bebidas y atender a los clientes en sala.",
    )
    page.fill("#seats", "8")
    page.get_by_role("button", name="Continuar").click()
    form = page.locator("[data-testid=suggestion]")
    expect(form).to_be_visible()
    expect(page.locator("#niche")).to_have_value("hospitality")
    rows = form.locator("li[data-uri]").evaluate_all(
        "els => els.map(e => [e.dataset.uri, e.querySelector('.chip-label').textContent])"
    )
    assert rows and all(label == (spanish[uri] or english[uri]) for uri, label in rows)
    assert not axe_violations(page)
    shot(page, output_dir, "challenge-suggestion")
    form.get_by_role("button", name="Guardar el reto").click()
    expect(page.locator(".notice")).to_have_text("El reto se ha guardado.")
    expect(page.locator("main")).to_contain_text("Hostelería")
    expect(page.locator("[data-testid=empty-shortlist]")).to_be_visible()


def test_spanish_pages_show_official_spanish_skill_labels(page, server):
    catalogue = load_catalogue()
    spanish = dict(zip(catalogue.skills["uri"], catalogue.skills["label_es"], strict=True))
    english = dict(zip(catalogue.skills["uri"], catalogue.skills["label_en"], strict=True))
    sign_in(page, server["base"], server["keys"]["caseworker"])
    checked_chips = 0
    for path in ("/app/challenges/22", "/app/participants/400", "/app/participants/401"):
        page.goto(f"{server['base']}{path}")
        chips = page.locator(".chip[data-uri*='/skill/']").evaluate_all(
            "els => els.map(e => [e.dataset.uri, e.firstChild.textContent])"
        )
        for uri, text in chips:
            label = text.split("→")[-1].strip()
            assert label == (spanish[uri] or english[uri]), (path, uri, label)
            checked_chips += 1
    assert checked_chips > 20


def test_a_cv_file_that_is_not_a_cv_is_refused_beside_the_field(page, server, output_dir):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/participants/401")
    page.set_input_files(
        "#cv", files=[{"name": "cv.png", "mimeType": "image/png", "buffer": b"\x89PNG"}]
    )
    page.get_by_role("button", name="Leer el currículum").click()
    expect(page.locator("#cv_error")).to_contain_text("PDF")
    assert not axe_violations(page)
    title, body = posting("hospitality")
    page.set_input_files(
        "#cv",
        files=[
            {
                "name": "cv.docx",
                "mimeType": "application/octet-stream",
                "buffer": docx_cv(title, body),
            }
        ],
    )
    page.get_by_role("button", name="Leer el currículum").click()
    expect(page.locator(".notice")).to_contain_text("currículum")


def test_a_caseworker_corrects_a_shortlist_and_long_actions_say_they_run(page, server, output_dir):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/challenges/24")
    second = page.locator("[data-testid=shortlist] > li").nth(1)
    person = second.get_attribute("data-participant")
    second.locator("summary", has_text="Corregir").click()
    second.locator(f"#ov-action-{person}").select_option("exclude")
    second.locator(f"#ov-reason-{person}").select_option("not_interested")
    second.locator(f"#ov-note-{person}").fill("prefiere otro horario")
    second.get_by_role("button", name="Guardar la corrección").click()
    expect(page.locator("[data-testid=corrections]")).to_contain_text("prefiere otro horario")
    ids = page.locator("[data-testid=shortlist] > li").evaluate_all(
        "els => els.map(e => e.dataset.participant)"
    )
    assert person not in ids
    assert not axe_violations(page)
    page.goto(f"{server['base']}/app/editions/4/planner")
    page.evaluate(
        "document.querySelector('#plan-form').addEventListener('submit', e => e.preventDefault())"
    )
    page.locator("#plan-form button[type=submit]").click()
    expect(page.locator("#plan-form [role=status]")).to_contain_text("Planificando")
    expect(page.locator("#plan-form button[type=submit]")).to_be_disabled()


def test_language_switch_and_report_page(page, server):
    page.goto(f"{server['base']}/app/login")
    expect(page.locator("h1")).to_have_text("Entrar")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    sign_in(page, server["base"], server["keys"]["analyst"])
    expect(page.locator("article.report h1")).to_contain_text("offline evaluation")
    image = page.locator("article.report img").first
    expect(image).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", image.element_handle()) > 100
    page.get_by_role("link", name="Model card").first.click()
    expect(page.locator("article.report h1")).to_contain_text("Model card")
    page.get_by_role("link", name="Datasheet").first.click()
    expect(page.locator("article.report h1")).to_contain_text("Datasheet")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("nav").first).to_contain_text("Informe de evaluación")
