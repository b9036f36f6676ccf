"""The pages' words: English source text, translated by gettext catalogues (Babel).

Every string a page shows goes through ``gettext`` (``_`` in templates) or ``ngettext``
for plurals; the Spanish catalogue is ``locales/es/LC_MESSAGES/messages.po``, read once
per process (no compiled file is kept). Strings defined away from where they are shown
(vocabularies, error messages) are marked with :func:`N_` so that extraction finds them.
Numbers, percentages and dates are formatted by the locale (Babel), never by hand.

The language comes from the ``lang`` cookie (set by the switch) or the browser's
``Accept-Language``; Spanish is the default.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from fastapi import Request

LANGUAGES = ("es", "en")
LOCALES = Path(__file__).resolve().parent / "locales"
# languages a participant may list beside Spanish (ISO 639-1), named by Babel per locale
SPOKEN_LANGUAGES = (
    "ar",
    "fr",
    "en",
    "pt",
    "ro",
    "uk",
    "ru",
    "zh",
    "wo",
    "bm",
    "ff",
    "sw",
    "it",
    "de",
    "ur",
    "bn",
    "tl",
    "qu",
)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark ``message`` for the catalogue where it is defined; it is translated where shown."""
    return message


VOCABULARY: dict[str, dict[str, str]] = {
    "availability": {
        "morning": N_("mornings"),
        "afternoon": N_("afternoons"),
        "full_day": N_("full days"),
        "flexible": N_("any time"),
    },
    "schedule": {
        "morning": N_("mornings"),
        "afternoon": N_("afternoons"),
        "full_day": N_("full days"),
    },
    "education": {
        "none": N_("no schooling completed"),
        "primary": N_("primary school"),
        "secondary": N_("secondary school"),
        "vocational": N_("vocational training"),
        "university": N_("university"),
    },
    "event": {
        "shortlisted": N_("Shortlisted"),
        "declined": N_("Declined the offer"),
        "joined": N_("Joined the team"),
        "dropped_out": N_("Dropped out"),
        "completed": N_("Completed training"),
        "interviewed": N_("Interviewed"),
        "hired": N_("Hired"),
        "rejected": N_("Not hired"),
    },
    "induction": {
        "": N_("not known yet"),
        "attended": N_("came to the induction session"),
        "missed": N_("missed the induction session"),
    },
    "size": {
        "micro": N_("micro (under 10 staff)"),
        "small": N_("small (10–49 staff)"),
        "medium": N_("medium (50–249 staff)"),
        "large": N_("large (250 staff or more)"),
    },
    "role": {
        "caseworker": N_("caseworker"),
        "company": N_("company"),
        "analyst": N_("analyst"),
        "admin": N_("administrator"),
    },
    "mode": {
        "learned": N_("Learned ranker on"),
        "rules": N_("Learned ranker off: fallback rules"),
        "paused": N_("Recommendations paused"),
    },
    "override_action": {
        "pin": N_("Pinned to the top"),
        "move": N_("Moved to rank"),
        "exclude": N_("Excluded"),
    },
    "override_reason": {
        "knows_the_person": N_("Caseworker knows the person"),
        "circumstances_changed": N_("Circumstances changed"),
        "not_interested": N_("Not interested"),
        "not_a_fit": N_("Not a fit for this challenge"),
        "already_placed": N_("Already placed"),
        "other": N_("Other (see note)"),
    },
    "skill_source": {
        "text": N_("named in the text"),
        "occupation": N_("needed by the job the text names"),
        "niche": N_("a core skill of the niche"),
        "current": N_("already in the challenge"),
    },
    "gender": {"": N_("not recorded"), "F": N_("woman"), "M": N_("man"), "X": N_("other")},
    "evidence": {
        "strong": N_("strong evidence"),
        "clear": N_("clear evidence"),
        "some": N_("some evidence"),
        "little": N_("little evidence"),
    },
    "missing": {
        "profile_text": N_("a profile text of at least 8 words"),
        "skills": N_("skills"),
        "experience": N_("work experience"),
    },
    "empty_shortlist": {
        "no_participants": N_("Nobody has been registered in this edition yet."),
        "none_available": N_("Nobody in this edition is available at the moment."),
        "none_consenting": N_(
            "Nobody available in this edition has agreed to share their profile with companies."
        ),
        "only_thin": N_(
            "The profiles in this edition hold too little to score yet: add a text, skills "
            "or experience to them."
        ),
    },
    "empty_company_view": {
        "no_participants": N_("The edition's trainees have not been registered yet."),
        "none_available": N_("No trainee of this edition is available at the moment."),
        "none_consenting": N_("No trainee of this edition has agreed to share their profile yet."),
        "only_thin": N_("The trainees' profiles are not complete enough to match yet."),
    },
    "status": {
        "available": N_("available"),
        "unavailable": N_("not available"),
        "in_team": N_("in a confirmed team"),
    },
}


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``; English, the source language, needs none."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if language == "en" or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


class Words:
    """What a page needs to speak ``language``: its messages, vocabularies, numbers,
    dates and the names of languages."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._catalogue = translations(language)
        self._locale = Locale.parse(language)

    def gettext(self, message: str, **values) -> str:
        """The message in this language, its ``%(name)s`` blanks filled (``%%`` is a
        percent sign), as templates do it."""
        return self._catalogue.gettext(message) % values

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        text = self._catalogue.ngettext(singular, plural, n)
        return text % {"num": n, **values}

    def label(self, kind: str, code: str | None) -> str:
        """A vocabulary's word for ``code`` (the code itself if the vocabulary lacks it)."""
        message = VOCABULARY[kind].get(code or "")
        return self.gettext(message) if message is not None else str(code or "")

    def language_name(self, code: str | None) -> str:
        name = self._locale.languages.get(code or "")
        return name or self.gettext("not known")

    def percent(self, value: float) -> str:
        """A share 0..1 as a percentage, capped to 0–100 (a share never shows 194 %)."""
        return format_percent(min(max(float(value), 0.0), 1.0), locale=self._locale)

    def number(self, value: float, digits: int = 1) -> str:
        return format_decimal(
            round(float(value), digits), format=f"#,##0.{'#' * digits}", locale=self._locale
        )

    def signed(self, value: float, digits: int = 3) -> str:
        """A difference with its sign always shown (+0.012, -0.004)."""
        return ("+" if round(float(value), digits) > 0 else "") + self.number(value, digits)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, "long", locale=self._locale)  # months in words, not abbreviated


@cache
def words(language: str) -> Words:
    return Words(language if language in LANGUAGES else "es")


def pick_language(request: Request) -> str:
    """The switch's cookie first, then the browser's preference."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "es"


def request_words(request: Request) -> Words:
    return words(pick_language(request))
