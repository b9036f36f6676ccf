"""The web pages in Debian's chromium, driven by playwright, against the real service
started with `milma serve` on 127.0.0.1 over a generated demo programme."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from evaluation.run import evaluate
from matching.domain.catalogue import load_catalogue
from service.tables import ChallengeRow, ParticipantRow
from tests.cv_samples import docx_cv, posting
from tests.servers import start_service, stop_service

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(service_template, tmp_path_factory, embedder, output_dir):
    folder, keys, companies = service_template
    data = tmp_path_factory.mktemp("browser") / "var"
    shutil.copytree(folder, data)
    evaluate(data / "programme", data / "reports" / "20260101T000000Z", embedder, folds=False)
    process, base = start_service({"MILMA_DATA_DIR": str(data)}, output_dir / "browser-server.log")
    yield {"base": base, "keys": keys, "companies": companies, "data": data}
    stop_service(process)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run scripts/browser-deps.sh")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/app/login")
    page.fill("#api_key", key)
    page.press("#api_key", "Enter")
    page.wait_for_load_state("networkidle")


def shot(page: Page, output_dir: Path, name: str) -> None:
    folder = output_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_caseworker_shortlist_reasons_and_outcome(page, server, output_dir):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    expect(page.locator("h1")).to_have_text("Ediciones")
    shot(page, output_dir, "editions")
    page.get_by_role("link", name="BC Lab 4").click()
    shot(page, output_dir, "edition")
    page.locator("table a[href^='/app/challenges/']").first.click()
    cards = page.locator("[data-testid=shortlist] > li")
    expect(cards.first).to_be_visible()
    assert cards.count() == 10
    first = cards.first
    first.locator("summary", has_text="Por qué").click()
    expect(first.locator("ul.reasons li").first).to_be_visible()
    expect(first.locator(".chip").first).to_be_visible()
    shot(page, output_dir, "challenge")
    participant = first.get_attribute("data-participant")
    first.locator("select[name=event]").select_option("interviewed")
    first.locator("input[name=reason]").fill("entrevista el lunes")
    first.get_by_role("button", name="Guardar").click()
    expect(page.locator(".notice")).to_have_text("Guardado.")
    history = page.locator("[data-testid=history] tbody tr").first
    expect(history).to_contain_text(participant)
    expect(history).to_contain_text("entrevista el lunes")
    page.goto(f"{server['base']}/app/participants/{participant}")
    expect(page.locator("#niches-h")).to_be_visible()
    expect(page.locator("[data-testid=history]")).to_contain_text("Entrevistado")
    shot(page, output_dir, "participant")


def test_team_plan_meets_the_composition_bar(page, server, output_dir):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/editions/4/planner")
    page.get_by_role("button", name="Hacer un plan").click()
    teams = page.locator("section.team")
    expect(teams.first).to_be_visible()
    assert teams.count() >= 5
    for span in page.locator(".composition").all():
        migrants = int(span.get_attribute("data-migrants"))
        size = int(span.get_attribute("data-size"))
        assert migrants >= int(span.get_attribute("data-required"))
        assert migrants / size >= 0.3 - 1e-9
    assert page.locator(".bar.short").count() == 0
    shot(page, output_dir, "planner")
    page.get_by_role("button", name="Confirmar estos equipos").click()
    expect(page.locator("h1")).to_have_text("BC Lab 4")
    expect(page.locator("main")).to_contain_text("confirmado")


def test_company_sees_only_its_own_consenting_trainees(page, server, output_dir):
    sign_in(page, server["base"], server["keys"]["company"])
    mine = server["companies"][0]
    engine = create_engine(f"sqlite:///{server['data'] / 'milma.db'}")
    with Session(engine) as session:
        own = {
            c.id
            for c in session.scalars(select(ChallengeRow).where(ChallengeRow.company_id == mine))
        }
        other = session.scalar(select(ChallengeRow.id).where(ChallengeRow.company_id != mine))
        consent = dict(
            session.execute(select(ParticipantRow.pseudonym, ParticipantRow.consent_share)).all()
        )
    engine.dispose()
    shown = {
        int(x)
        for x in page.locator("section[data-challenge]").evaluate_all(
            "els => els.map(e => e.dataset.challenge)"
        )
    }
    listed = {
        int(h.split("/")[-1])
        for h in page.locator("main ul a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        if "/app/company/challenges/" in h
    }
    assert shown and shown | listed == own and not shown & listed
    trainees = page.locator("li.trainee")
    expect(trainees.first).to_be_visible()
    names = trainees.evaluate_all("els => els.map(e => e.dataset.trainee)")
    assert names and all(consent[n] for n in names)
    assert "@example.org" not in page.content()
    shot(page, output_dir, "company")
    trainees.first.get_by_role("button", name="Entrevista").click()
    expect(page.locator(".notice")).to_have_text("Guardado.")
    response = page.goto(f"{server['base']}/app/company/challenges/{other}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Página no encontrada")
    shot(page, output_dir, "company-404")


def test_language_switch_and_report_page(page, server, output_dir):
    page.goto(f"{server['base']}/app/login")
    expect(page.locator("h1")).to_have_text("Entrar")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    sign_in(page, server["base"], server["keys"]["analyst"])
    expect(page.locator("article.report h1")).to_contain_text("offline evaluation")
    image = page.locator("article.report img").first
    expect(image).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", image.element_handle()) > 100
    shot(page, output_dir, "report")
    page.get_by_role("link", name="model_card.md").click()
    expect(page.locator("article.report h1")).to_contain_text("Model card")
    page.get_by_role("link", name="datasheet.md").first.click()
    expect(page.locator("article.report h1")).to_contain_text("Datasheet")
    page.goto(f"{server['base']}/app/reports")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("nav")).to_contain_text("Informe de evaluación")


def test_forms_show_errors_beside_the_field_and_pages_pass_axe(page, server):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/login")
    page.fill("#api_key", "milma_wrong_key")
    page.press("#api_key", "Enter")
    expect(page.locator("#api_key_error")).to_be_visible()
    sign_in(page, server["base"], server["keys"]["caseworker"])
    challenge = page.evaluate("() => 1")
    page.goto(f"{server['base']}/app/challenges/{challenge + 21}?k=5000&filtered=1")
    expect(page.locator("#k_error")).to_be_visible()
    problems = {}
    for path in (
        "/app/editions",
        "/app/editions/4",
        "/app/challenges/22",
        "/app/participants/400",
        "/app/editions/4/planner",
        "/app/login",
    ):
        page.goto(f"{server['base']}{path}")
        found = axe_violations(page)
        if found:
            problems[path] = [(v["id"], v["help"]) for v in found]
    assert not problems, problems
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server['base']}/app/challenges/22")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400, "the challenge page must fit a phone without sideways scrolling"


def test_spanish_pages_show_official_spanish_skill_labels(page, server, output_dir):
    """Every skill chip on the Spanish shortlist, participant and suggestion pages
    carries the official ESCO Spanish label wherever ESCO has one."""
    catalogue = load_catalogue()
    spanish = dict(zip(catalogue.skills["uri"], catalogue.skills["label_es"], strict=True))
    english = dict(zip(catalogue.skills["uri"], catalogue.skills["label_en"], strict=True))
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/challenges/22")
    checked = 0
    for path in ("/app/challenges/22", "/app/participants/400", "/app/participants/401"):
        page.goto(f"{server['base']}{path}")
        chips = page.locator(".chip[data-uri*='/skill/']").evaluate_all(
            "els => els.map(e => [e.dataset.uri, e.textContent])"
        )
        for uri, text in chips:
            label = text.split("→")[-1].strip().rstrip("*").strip()
            assert label == (spanish[uri] or english[uri]), (path, uri, label)
            if spanish[uri]:
                assert label != english[uri] or spanish[uri] == english[uri]
            checked += 1
    assert checked > 20
    page.goto(f"{server['base']}/app/challenges/22")
    page.fill("#s-title", "Camareros/as de sala")
    page.fill(
        "#s-description",
        "Restaurante busca camareros para servir bebidas y atender a los clientes en sala.",
    )
    page.get_by_role("button", name="Sugerir").click()
    form = page.locator("[data-testid=suggestion]")
    expect(form).to_be_visible()
    expect(page.locator("#niche")).to_have_value("hospitality")
    rows = form.locator("tr[data-uri]").evaluate_all(
        "els => els.map(e => [e.dataset.uri, e.querySelector('.chip-label').textContent])"
    )
    assert rows and all(label == (spanish[uri] or english[uri]) for uri, label in rows)
    expect(page.locator("[data-testid=text-concepts]")).to_contain_text("camareros")
    shot(page, output_dir, "challenge-suggestion")
    assert not axe_violations(page)
    form.get_by_role("button", name="Guardar el reto").click()
    expect(page.locator(".notice")).to_have_text("Guardado.")
    expect(page.locator("main")).to_contain_text("Hostelería")


def test_a_cv_file_joins_the_profile_and_the_stop_switch_is_shown(page, server, output_dir):
    title, body = posting("hospitality")
    made = httpx.post(
        f"{server['base']}/participants",
        json={"edition_id": 4, "display_name": "Con currículum", "spanish_level": "C1"},
        headers={"X-API-Key": server["keys"]["caseworker"]},
    )
    assert made.status_code == 201, made.text
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/participants/{made.json()['participant_id']}")
    page.set_input_files(
        "#cv", files=[{"name": "cv.png", "mimeType": "image/png", "buffer": b"\x89PNG"}]
    )
    page.get_by_role("button", name="Leer el currículum").click()
    expect(page.locator("#cv_error")).to_contain_text("PDF")
    assert not axe_violations(page)
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
    expect(page.locator("#profile-h + p")).to_contain_text(title.split()[0])
    expect(page.locator("#niches-h ~ ol li").first).to_contain_text("Hostelería")
    shot(page, output_dir, "participant-cv")

    _turn_switch(page, server, "paused", "revisión de las listas")
    assert not axe_violations(page)
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/challenges/22")
    expect(page.locator("main .notice")).to_contain_text("revisión de las listas")
    expect(page.locator("[data-testid=shortlist]")).to_have_count(0)
    shot(page, output_dir, "shortlist-paused")
    _turn_switch(page, server, "learned", "revisado")


def _turn_switch(page: Page, server: dict, mode: str, reason: str) -> None:
    sign_in(page, server["base"], server["keys"]["admin"])
    page.goto(f"{server['base']}/app/admin")
    page.check(f"#mode-{mode}")
    page.fill("#controls-reason", reason)
    page.get_by_role("button", name="Cambiar").click()
    expect(page.locator("[data-testid=controls-now]")).to_contain_text(reason)


def test_a_caseworker_corrects_a_shortlist_and_long_actions_say_they_run(page, server, output_dir):
    sign_in(page, server["base"], server["keys"]["caseworker"])
    page.goto(f"{server['base']}/app/challenges/23")
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
    shot(page, output_dir, "shortlist-corrected")

    page.goto(f"{server['base']}/app/editions/4/planner")
    page.evaluate(
        "document.querySelector('#plan-form').addEventListener('submit', e => e.preventDefault())"
    )
    page.locator("#plan-form button[type=submit]").click()
    expect(page.locator("#plan-form [role=status]")).to_contain_text("Planificando")
    expect(page.locator("#plan-form button[type=submit]")).to_be_disabled()
