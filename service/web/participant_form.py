"""The participant form: its fields (named as the API names them), their labels, and the
form read into the API's participant record."""

from __future__ import annotations

from starlette.datastructures import FormData

from matching.domain.catalogue import NICHE_CODES
from matching.domain.records import SensitiveAttributes
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, EDUCATION
from service.tables import ParticipantRow
from service.web import forms
from service.web.i18n import N_, SPOKEN_LANGUAGES, Words

# the consent text a caseworker reads out on the form; its version is stored with it
CONSENT_TEXT_VERSION = "milma-web-2026-12"
LANGUAGE_ROWS = 3  # other languages a form asks for at once
EXPERIENCE_ROWS = 3

LABELS: dict[str, str] = {
    "display_name": N_("Name"),
    "edition_id": N_("Edition"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "profile_text": N_("In their own words"),
    "file": N_("CV file (PDF or DOCX)"),
    "skills_text": N_("Skills in their own words"),
    "spanish_level": N_("Spanish level"),
    "other_languages": N_("Other languages"),
    "education": N_("Education"),
    "experience": N_("Work experience"),
    "availability": N_("Availability"),
    "district": N_("Lives in"),
    "max_commute_minutes": N_("Longest commute (minutes)"),
    "niche_preferences": N_("Niches they would like to work in"),
    "months_unemployed": N_("Months out of work"),
    "digital_access": N_("Has a computer or tablet and internet at home"),
    "driving_licence": N_("Has a driving licence"),
    "induction": N_("Induction session"),
    "available": N_("Available for a challenge now"),
    "consent_share": N_("Agrees to share the profile with companies"),
    "notes": N_("Caseworker's notes"),
    "migrant": N_("Migrant background"),
    "origin_group": N_("Region of origin"),
    "nationality": N_("Nationality"),
    "gender": N_("Gender"),
    "birth_year": N_("Year of birth"),
}
PROFILE_FIELDS = tuple(k for k in LABELS if k not in SensitiveAttributes.model_fields)
SENSITIVE_FIELDS = tuple(SensitiveAttributes.model_fields)


def labels(w: Words) -> dict[str, str]:
    return {name: w.gettext(text) for name, text in LABELS.items()}


def profile_from_form(form: FormData) -> dict:
    """The form as the API's participant fields; empty fields are left out so the
    record's defaults (or, when editing, its current values) apply."""
    languages = [
        f"{forms.text(form, f'language_{i}')}:{forms.text(form, f'level_{i}')}"
        for i in range(LANGUAGE_ROWS)
        if forms.text(form, f"language_{i}")
    ]
    experience = [
        {
            "niche": forms.text(form, f"exp_niche_{i}"),
            "years": forms.decimal(form, f"exp_years_{i}"),
        }
        for i in range(EXPERIENCE_ROWS)
        if forms.text(form, f"exp_niche_{i}")
    ]
    consent = forms.flag(form, "consent_share")
    return forms.without_empty(
        {
            "display_name": forms.text(form, "display_name"),
            "edition_id": forms.number(form, "edition_id"),
            "email": forms.text(form, "email"),
            "phone": forms.text(form, "phone"),
            "profile_text": forms.text(form, "profile_text"),
            "skills_text": forms.lines(forms.text(form, "skills_text")),
            "spanish_level": forms.text(form, "spanish_level") or None,
            "other_languages": languages,
            "education": forms.text(form, "education") or None,
            "experience": experience,
            "availability": forms.text(form, "availability") or None,
            "district": forms.text(form, "district") or None,
            "max_commute_minutes": forms.number(form, "max_commute_minutes"),
            "niche_preferences": forms.texts(form, "niche_preferences"),
            "months_unemployed": forms.number(form, "months_unemployed"),
            "digital_access": forms.flag(form, "digital_access"),
            "driving_licence": forms.flag(form, "driving_licence"),
            "induction": forms.text(form, "induction") or None,
            "available": forms.flag(form, "available"),
            "consent_share": consent,
            "consent_version": CONSENT_TEXT_VERSION if consent else "",
            "notes": forms.text(form, "notes"),
        }
    )


def sensitive_from_form(form: FormData) -> dict:
    return forms.without_empty(
        {
            "migrant": forms.text(form, "migrant") == "yes",
            "origin_group": forms.text(form, "origin_group"),
            "nationality": forms.text(form, "nationality"),
            "gender": forms.text(form, "gender"),
            "birth_year": forms.number(form, "birth_year"),
        }
    )


def sensitive_values(form: FormData) -> dict:
    return {name: forms.text(form, name) for name in SENSITIVE_FIELDS}


def values_of(row: ParticipantRow) -> dict:
    """A stored record as the form shows it."""
    values = {name: getattr(row, name) for name in PROFILE_FIELDS if hasattr(row, name)}
    values["skills_text"] = "\n".join(row.skills_text)
    values["induction"] = row.induction or ""
    return values


def form_values(form: FormData) -> dict:
    """What was typed, to show again beside the errors."""
    values = {name: forms.text(form, name) for name in LABELS}
    for flag in ("digital_access", "driving_licence", "available", "consent_share"):
        values[flag] = forms.flag(form, flag)
    values["niche_preferences"] = forms.texts(form, "niche_preferences")
    values["other_languages"] = [
        f"{forms.text(form, f'language_{i}')}:{forms.text(form, f'level_{i}')}"
        for i in range(LANGUAGE_ROWS)
        if forms.text(form, f"language_{i}")
    ]
    values["experience"] = [
        {"niche": forms.text(form, f"exp_niche_{i}"), "years": forms.text(form, f"exp_years_{i}")}
        for i in range(EXPERIENCE_ROWS)
        if forms.text(form, f"exp_niche_{i}")
    ]
    return values


def _named(codes: tuple[str, ...], w: Words) -> list[tuple[str, str]]:
    return [(c, w.language_name(c)) for c in codes]


def choices(w: Words, niche_names: dict[str, str], places: list[str]) -> dict:
    """The options of the form's lists, in the page's language."""
    return {
        "spanish_level": [(c, c) for c in CEFR_LEVELS],
        "level": [(c, c) for c in CEFR_LEVELS],
        "language": [("", "—"), *sorted(_named(SPOKEN_LANGUAGES, w), key=lambda o: o[1])],
        "education": [(c, w.label("education", c)) for c in EDUCATION],
        "availability": [(c, w.label("availability", c)) for c in AVAILABILITY],
        "district": [(p, p) for p in places],
        "niche": [(c, niche_names[c]) for c in NICHE_CODES],
        "exp_niche": [("", "—")]
        + [(c, niche_names[c]) for c in NICHE_CODES]
        + [("other", w.gettext("other work"))],
        "induction": [(c, w.label("induction", c)) for c in ("", "attended", "missed")],
        "gender": [(c, w.label("gender", c)) for c in ("", "F", "M", "X")],
    }
