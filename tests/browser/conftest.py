"""The real service started with `milma serve` over a generated demo programme, and
Debian's chromium driven by playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from evaluation.run import evaluate
from tests.servers import start_service, stop_service

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
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def server(service_template, tmp_path_factory, embedder, output_dir):
    """The demo programme served as `milma serve` serves it, with an evaluation report,
    and a new edition whose challenge exists before anyone has joined."""
    folder, keys, companies = service_template
    data = tmp_path_factory.mktemp("browser") / "var"
    shutil.copytree(folder, data)
    evaluate(data / "programme", data / "reports" / "20260101T000000Z", embedder, folds=False)
    process, base = start_service({"MILMA_DATA_DIR": str(data)}, output_dir / "browser-server.log")
    api = httpx.Client(base_url=base, headers={"X-API-Key": keys["caseworker"]}, timeout=60)
    edition = api.post(
        "/editions", json={"name": "BC Lab 5", "start_date": "2027-01-11", "end_date": "2027-06-30"}
    ).json()["edition_id"]
    empty = api.post(
        "/challenges",
        json={
            "edition_id": edition,
            "company_id": companies[0],
            "niche": "logistics",
            "title": "Mozos y mozas de almacén",
            "description": "Almacén en Fuenlabrada busca personal para preparar pedidos.",
            "seats": 12,
        },
    ).json()["challenge_id"]
    yield {
        "base": base,
        "keys": keys,
        "companies": companies,
        "data": data,
        "new_edition": edition,
        "empty_challenge": empty,
    }
    api.close()
    stop_service(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run scripts/browser-deps.sh")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield instance
        instance.close()


def new_page(browser, viewport: dict, language: str = "es") -> Page:
    locale = "es-ES" if language == "es" else "en-GB"
    return browser.new_context(locale=locale, viewport=viewport).new_page()


@pytest.fixture
def page(browser) -> Page:
    tab = new_page(browser, DESKTOP)
    yield tab
    tab.context.close()


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


def fits_the_screen(page: Page) -> bool:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"]
