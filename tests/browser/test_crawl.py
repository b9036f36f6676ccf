"""Every reachable page, as every role, at phone width, in Spanish and in English: none
wider than the screen, every tap target at least 24 px, and no word of the other
language outside an element that says it is in that language (a person's own text,
marked ``lang``) or a proper name (``translate="no"``).

The crawler follows the links of each page from the role's home, visiting each kind of
page (its path with the ids taken out) once, and adds the states only a form reaches:
a form sent empty, a team plan, a challenge read from its description, a new key."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
import simplemma
from playwright.sync_api import Page

from tests.browser.conftest import PHONE, new_page, sign_in

pytestmark = pytest.mark.browser
SKIP = re.compile(r"^/app/(logout|lang/|reports/files/)")
OTHER = {"es": "en", "en": "es"}
# proper names the dictionaries file under one language (languages, a brand inside an
# ESCO label) and a Spanish word simplemma's Spanish dictionary lacks
NOT_FOREIGN = frozenset({"bambara", "quechua", "urdu", "wolof", "microsoft", "antes"})
# the text a page shows, leaving out what is marked as another language or a name
PAGE_TEXT = """() => {
  const page = document.documentElement.lang;
  const kept = [];
  const own = el => {
    const marked = el.closest('[lang]');
    return (!marked || marked.lang === page) && !el.closest('[translate=no], script, style');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && own(node.parentElement)) kept.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (!own(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder']) {
      if (el.getAttribute(a)) kept.push(el.getAttribute(a));
    }
  }
  return kept.join(' ');
}"""
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, select, summary, input:not([type=hidden]), nav a, .pager a')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
  .filter(([_, r]) => r.width < 24 || r.height < 24)
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def foreign_words(text: str, language: str) -> set[str]:
    """Words of ``text`` that the other language's dictionary knows and this one's does
    not (acronyms in capitals and words with digits are left alone)."""
    found = set()
    for word in re.findall(r"\w{3,}", text):
        if word.isupper() or not word.isalpha():
            continue
        lower = word.lower()
        if lower in NOT_FOREIGN:
            continue
        if simplemma.is_known(lower, lang=OTHER[language]) and not simplemma.is_known(
            lower, lang=language
        ):
            found.add(lower)
    return found


def shape(link: str) -> str:
    """A kind of page: its path with the ids taken out (filters and pages of a list are
    the same kind)."""
    return re.sub(r"\d+", "{id}", urlsplit(link).path)


def crawl(page: Page, base: str, start: str, language: str, extra) -> dict[str, list]:
    """Visit every kind of page reachable from ``start``; returns the problems per page."""
    problems: dict[str, list] = {}
    seen_shapes: set[str] = set()
    queue = deque([start])

    def check(url: str) -> None:
        found = []
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            found.append(f"{width} px wide")
        small = page.evaluate(SMALL_TARGETS)
        if small:
            found.append(f"small targets: {small[:3]}")
        words = foreign_words(page.evaluate(PAGE_TEXT), language)
        if words:
            found.append(f"{OTHER[language]} words: {sorted(words)[:12]}")
        if page.locator("html").get_attribute("lang") != language:
            found.append("html lang")
        if found:
            problems[url] = found

    while queue:
        path = queue.popleft()
        if shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        response = page.goto(base + path)
        assert response is not None and response.status < 500, (path, response and response.status)
        check(path)
        for href in page.locator("a[href^='/app']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        ):
            target = urlsplit(href)
            link = target.path + (f"?{target.query}" if target.query else "")
            if not SKIP.match(target.path) and shape(link) not in seen_shapes:
                queue.append(link)
    for name, action in extra:
        action(page, base)
        check(name)
    return problems


def empty_participant_form(page: Page, base: str) -> None:
    page.goto(f"{base}/app/participants/new")
    page.locator("[data-testid=participant-form] button[type=submit]").click()


def a_team_plan(page: Page, base: str) -> None:
    page.goto(f"{base}/app/editions/4/planner")
    page.locator("#plan-form button[type=submit]").click()
    page.wait_for_selector("section.team")


def a_challenge_read_from_its_words(page: Page, base: str) -> None:
    page.goto(f"{base}/app/challenges/new")
    page.fill("#title", "Limpieza de oficinas")
    page.fill("#description", "Empresa de limpieza busca personal para oficinas en Getafe.")
    page.locator("[data-testid=challenge-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=suggestion]")


def a_new_key(page: Page, base: str) -> None:
    page.goto(f"{base}/app/admin/keys")
    page.locator("[data-testid=key-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=new-key]")


EXTRA = {
    "caseworker": [
        ("empty participant form", empty_participant_form),
        ("team plan", a_team_plan),
        ("challenge from its words", a_challenge_read_from_its_words),
    ],
    "admin": [("new key", a_new_key)],
    "company": [],
    "analyst": [],
}


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("role", ["caseworker", "company", "admin", "analyst"])
def test_every_page_fits_a_phone_and_speaks_one_language(browser, server, role, language):
    page = new_page(browser, PHONE, language)
    page.goto(f"{server['base']}/app/lang/{language}")
    sign_in(page, server["base"], server["keys"][role])
    start = urlsplit(page.url).path
    problems = crawl(page, server["base"], start, language, EXTRA[role])
    page.context.close()
    assert not problems, problems


def test_the_crawler_sees_a_word_out_of_place():
    """The check itself: English in a Spanish sentence is found, names and codes are not."""
    assert foreign_words("Tiene 3 de 5 habilidades: shelf stocking", "es") == {"shelf", "stocking"}
    assert foreign_words("Reformas Molino S.L. · 16 plazas · PDF o DOCX", "es") == set()
    assert foreign_words("Missing, taught in training: cajero", "en") == {"cajero"}
