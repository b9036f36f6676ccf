"""Take the README's screenshots of the pages from a running service.

    .venv/bin/python scripts/take_screenshots.py http://127.0.0.1:8000 \\
        --caseworker KEY --company KEY --admin KEY [--out docs/screenshots]

Each page is taken at phone width (390 px) in Spanish, as a caseworker meets it; the
registry's lists also at desktop width (1280 px). Drives Debian's chromium.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def signed_in(browser, base: str, key: str, viewport: dict) -> Page:
    page = browser.new_context(locale="es-ES", viewport=viewport).new_page()
    page.goto(f"{base}/app/lang/es")
    page.goto(f"{base}/app/login")
    page.fill("#api_key", key)
    page.press("#api_key", "Enter")
    page.wait_for_load_state("networkidle")
    return page


def take(page: Page, base: str, path: str, out: Path, name: str, screens: int = 2) -> None:
    """The first ``screens`` screens of a page (a whole shortlist is many screens long)."""
    page.goto(base + path)
    height = page.viewport_size["height"]
    full = page.evaluate("() => document.documentElement.scrollHeight")
    clip = {
        "x": 0,
        "y": 0,
        "width": page.viewport_size["width"],
        "height": min(full, height * screens),
    }
    page.screenshot(path=str(out / f"{name}.png"), clip=clip, full_page=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--caseworker", required=True)
    parser.add_argument("--company", required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--challenge", default="23")
    parser.add_argument("--participant", default="450")
    parser.add_argument("--edition", default="4")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        phone = signed_in(browser, args.base, args.caseworker, PHONE)
        take(phone, args.base, f"/app/challenges/{args.challenge}", args.out, "shortlist-390", 3)
        take(
            phone,
            args.base,
            f"/app/participants/{args.participant}",
            args.out,
            "participant-390",
            3,
        )
        planner = f"/app/editions/{args.edition}/planner"
        phone.goto(args.base + planner)
        phone.locator("#plan-form button[type=submit]").click()
        phone.wait_for_selector("section.team")
        phone.locator("section.team").first.scroll_into_view_if_needed()
        phone.screenshot(path=str(args.out / "planner-390.png"), full_page=False)
        take(phone, args.base, "/app/participants/new", args.out, "new-participant-390", 2)
        desk = signed_in(browser, args.base, args.caseworker, DESKTOP)
        take(desk, args.base, "/app/participants", args.out, "participants-1280", 1)
        take(desk, args.base, f"/app/challenges/{args.challenge}", args.out, "shortlist-1280", 1)
        company = signed_in(browser, args.base, args.company, PHONE)
        take(company, args.base, "/app/company", args.out, "company-390", 2)
        admin = signed_in(browser, args.base, args.admin, DESKTOP)
        take(admin, args.base, "/app/admin", args.out, "admin-1280", 2)
        browser.close()


if __name__ == "__main__":
    main()
