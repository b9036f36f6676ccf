"""Every string the pages show has its Spanish translation, with the same blanks."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from service.web.i18n import LOCALES, N_, VOCABULARY, words

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("service/web/**.py", "python"), ("service/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def page_messages() -> set[str | tuple[str, str]]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS
    ):
        if message:
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def spanish():
    with (LOCALES / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="es")


def test_every_page_message_has_a_spanish_translation_with_the_same_blanks():
    catalogue = spanish()
    messages = page_messages()
    assert len(messages) > 300
    untranslated = []
    for message in messages:
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        strings = entry.string if entry is not None else None
        if entry is None or entry.fuzzy or not strings or not all(strings):
            untranslated.append(message)
    assert not untranslated, f"run pybabel extract/update and translate: {untranslated[:10]}"
    problems = [(entry.id, errors) for entry, errors in catalogue.check() if errors]
    assert not problems, problems


def test_vocabularies_are_marked_and_translated():
    es = words("es")
    for kind, labels in VOCABULARY.items():
        for code, message in labels.items():
            assert N_(message) == message
            assert es.label(kind, code) != message or message in ("no",), (kind, code)


def test_numbers_and_shares_follow_the_locale():
    assert words("es").percent(1.94) == "100\xa0%"
    assert words("en").percent(0.425) == "42%"
    assert words("es").number(1234.5) == "1.234,5"
    assert words("es").ngettext("%(num)d seat", "%(num)d seats", 1) == "1 plaza"
    assert words("es").ngettext("%(num)d seat", "%(num)d seats", 16) == "16 plazas"
