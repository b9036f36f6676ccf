"""HTML forms read into the API's own input models, and their errors put into words.

A page never validates on its own: it turns the form into the same dict an API client
would send and lets the same pydantic model and operation judge it. What comes back is
translated here, field by field, from the error's kind (never from its English text),
so a Spanish page never shows an English validation message.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData

from service.errors import FieldError
from service.web.i18n import N_, Words

# pydantic's error kinds, in words (values from the error's context fill the blanks)
KIND_MESSAGES: dict[str, str] = {
    "missing": N_("Fill this in."),
    "string_too_short": N_("Fill this in."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "too_long": N_("Give at most %(max_length)s."),
    "list_too_long": N_("Give at most %(max_length)s."),
    "int_parsing": N_("Write a whole number."),
    "int_type": N_("Write a whole number."),
    "int_from_float": N_("Write a whole number."),
    "float_parsing": N_("Write a number."),
    "float_type": N_("Write a number."),
    "greater_than_equal": N_("Use %(ge)s or more."),
    "greater_than": N_("Use more than %(gt)s."),
    "less_than_equal": N_("Use %(le)s or less."),
    "less_than": N_("Use less than %(lt)s."),
    "literal_error": N_("Choose one of the options."),
    "enum": N_("Choose one of the options."),
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "date_parsing": N_("Write a date as day, month and year."),
    "date_from_datetime_parsing": N_("Write a date as day, month and year."),
    "date_type": N_("Write a date as day, month and year."),
    "datetime_parsing": N_("Write a date as day, month and year."),
    "string_pattern_mismatch": N_("This is not written in the expected form."),
    "control_characters": N_("This text holds characters that are not allowed."),
    "position_for_move": N_("Give the new rank for a move, and only for a move."),
    "note_for_other": N_("Say why in the note when the reason is “Other”."),
}
# what a field's own rule asks for, when its check is one of the project's own
FIELD_MESSAGES: dict[str, str] = {
    "end_date": N_("The end date cannot be before the start date."),
    "edition_id": N_("Choose an edition that exists."),
    "company_id": N_("Choose a company that exists."),
    "district": N_("Choose a place from the list."),
    "location": N_("Choose a place from the list."),
    "niche_preferences": N_("Choose each niche only once."),
    "skills": N_("Use skills from the catalogue."),
    "essential_skills": N_("Use skills from the catalogue."),
    "optional_skills": N_("Use skills from the catalogue."),
    "other_languages": N_("Choose a language and a level for each row."),
    "participant_id": N_("Choose a person of this challenge's edition."),
    "trainee_id": N_("Choose one of the trainees shown to you."),
    "event": N_("Choose what happened."),
    "at": N_("Give a date within the edition."),
    "k": N_("Choose a number of candidates within the limit."),
    "min_migrant_share": N_("Give a share between 0 and 100 %%."),
    "max_migrant_share": N_("Give a share between 0 and 100 %%."),
    "teams": N_("These teams break the composition rule."),
    "company": N_("Choose a company for a company key."),
}
# refusals an operation names with a code, by (field, code)
CODED_MESSAGES: dict[tuple[str, str], str] = {
    ("file", "empty"): N_("The file is empty."),
    ("file", "too_large"): N_("The file is larger than the limit for a CV."),
    ("file", "not_pdf_or_docx"): N_("Only PDF and DOCX files are accepted."),
    ("file", "unreadable"): N_(
        "This file could not be read as a CV (it is damaged, or too large or complex to "
        "read safely). Try saving it again as a PDF or DOCX."
    ),
    ("file", "no_text"): N_(
        "No text could be read from the file: a scanned CV has to be typed in, or turned "
        "into text first."
    ),
    ("team_plan", "no_plan"): N_("No plan meets the rules with these people, seats and locks."),
    ("team_plan", "max_below_min"): N_("The highest share of migrants is below the lowest."),
    ("team_plan", "locked_twice"): N_("Person #%(person)s is kept in two teams; keep them in one."),
    ("team_plan", "locked_in_and_out"): N_(
        "Person #%(person)s is both kept in and kept out of %(team)s."
    ),
    ("team_plan", "too_many_seats"): N_(
        "The teams have %(seats)s seats but only %(people)s people are available: remove "
        "%(excess)s seats."
    ),
    ("team_plan", "too_few_migrants"): N_(
        "The rule needs %(needed)s migrants across the teams; the edition has %(available)s "
        "available. Lower the share or the seats, or register more people."
    ),
    ("team_plan", "too_few_locals"): N_(
        "With the highest share of migrants allowed, the teams need %(needed)s locals; the "
        "edition has %(available)s."
    ),
    ("team_plan", "locked_over_seats"): N_(
        "%(team)s has %(locked)s people kept in it but only %(seats)s seats."
    ),
    ("team_plan", "locked_locals"): N_(
        "%(team)s has %(locked)s locals kept in it, but %(needed)s of its %(seats)s seats must "
        "go to migrants."
    ),
    ("team_plan", "locked_migrants"): N_(
        "%(team)s has %(locked)s migrants kept in it, more than its highest of %(most)s."
    ),
    ("team_plan", "team_short_of_migrants"): N_(
        "%(team)s needs %(needed)s migrants but only %(available)s can join it."
    ),
}
GENERIC = N_("This value is not accepted.")


def field_errors(exc: Exception, w: Words) -> dict[str, str]:
    """The first error of each field, in ``w``'s language, keyed by the API field name."""
    if isinstance(exc, FieldError):
        message = CODED_MESSAGES.get((exc.field, exc.code or "")) or FIELD_MESSAGES.get(
            exc.field, GENERIC
        )
        return {exc.field: w.gettext(message, **exc.values)}
    if isinstance(exc, ValidationError):
        details = exc.errors(include_url=False)
    elif isinstance(exc, RequestValidationError):
        details = list(exc.errors())
    else:
        return {"form": w.gettext(GENERIC)}
    found: dict[str, str] = {}
    for detail in details:
        loc = [part for part in detail.get("loc", ()) if part != "body"]
        name = str(loc[0]) if loc else "form"
        if name not in found:
            found[name] = _message(name, detail, w)
    return found


def _message(name: str, detail: dict, w: Words) -> str:
    kind = detail.get("type", "")
    if kind in ("value_error", "assertion_error") or (
        kind == "string_pattern_mismatch" and name in FIELD_MESSAGES
    ):
        return w.gettext(FIELD_MESSAGES.get(name, GENERIC))
    message = KIND_MESSAGES.get(kind)
    if message is None:
        return w.gettext(FIELD_MESSAGES.get(name, GENERIC))
    context = {
        k: w.number(v, 2) if isinstance(v, float) else v for k, v in detail.get("ctx", {}).items()
    }
    return w.gettext(message, **context)


def text(form: FormData, name: str) -> str:
    """A field's text, its line breaks as stored: browsers send a textarea's as CR LF,
    which would make a stored text of the largest size too long to save unchanged."""
    value = form.get(name)
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def flag(form: FormData, name: str) -> bool:
    return text(form, name) in ("1", "on", "true", "yes")


def number(form: FormData, name: str) -> int | str | None:
    """A whole number (ASCII digits) as an int; anything else as typed, superscripts and
    other scripts' digits included (the model then names the field); an empty field as
    None (the model's default)."""
    raw = text(form, name)
    if raw == "":
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else raw


def decimal(form: FormData, name: str) -> float | str | None:
    raw = text(form, name).replace(",", ".")
    if raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        return raw


def texts(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


def without_empty(data: dict) -> dict:
    """Leave out what the form left empty, so the model's defaults apply."""
    return {k: v for k, v in data.items() if v is not None}


def labelled(errors: dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """Errors of fields the form does not show are told at the form's top."""
    shown = set(names)
    kept = {k: v for k, v in errors.items() if k in shown}
    rest = [v for k, v in errors.items() if k not in shown]
    if rest:
        kept["form"] = rest[0]
    return kept
