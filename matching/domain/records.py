"""Programme records, defined once: the API's schemas derive from them.

Inputs (participants, challenges, ...) are validated pydantic models that refuse unknown
fields, text holding characters no one can see or that reorder what is shown around
them (control characters, Unicode's bidirectional controls), and numbers or flags given
as anything but themselves (``true`` is no edition id, ``1`` no flag). Sensitive
attributes are a separate type that no ranking input contains.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from matching.domain.catalogue import NICHE_CODES, load_catalogue
from matching.domain.geography import PLACE_NAMES
from matching.domain.vocabulary import (
    AVAILABILITY,
    CEFR_LEVELS,
    EDUCATION,
    EVENTS,
    SCHEDULES,
    TEXT_LANGUAGES,
)

# the vocabularies are defined once (matching.domain.vocabulary) and become Literal types here
Cefr = Literal[CEFR_LEVELS]
Availability = Literal[AVAILABILITY]
Schedule = Literal[SCHEDULES]
Education = Literal[EDUCATION]
NicheCode = Literal[NICHE_CODES]
EventName = Literal[EVENTS]
TextLanguage = Literal[TEXT_LANGUAGES]
RecordId = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]
# a programme's dates: wide enough for any edition, narrow enough that the days
# counted around one (outcomes, placements) stay within the calendar
ProgrammeDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
SkillUri = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=10,
        max_length=120,
        pattern=r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$",
    ),
]
LanguageLevel = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z]{2}:(A1|A2|B1|B2|C1|C2)$")
]


PROFILE_TEXT_MAX = 5000  # characters of a participant's own description

# C0 and C1 control characters but tab, line feed and carriage return; and Unicode's
# Bidi_Control characters (marks, embeddings, overrides, isolates), which make a name
# or a title show in another order than it is stored
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HIDDEN = re.compile(f"{_CONTROLS.pattern}|{_BIDI_CONTROLS.pattern}")
# characters that show as nothing and mean nothing in a name or a text (soft hyphen,
# zero-width space, word joiner, byte-order mark, blank Braille, tags...): dropped,
# so that two names that look the same are the same. The zero-width (non-)joiners stay:
# some scripts need them.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u180e\u200b\u2028\u2029\u2060-\u2064\u2800\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
# the validation context of records read back from the database: shown as stored
STORED = {"stored": True}


def without_hidden_characters(text: str) -> str:
    """``text`` with its control characters made spaces, and its bidirectional controls
    and characters that show as nothing dropped: for text read from a file or a
    document, which no one typed to be stored as it is (what a person types has its
    controls refused instead, see :class:`RecordInput`)."""
    return _INVISIBLE.sub("", _BIDI_CONTROLS.sub("", _CONTROLS.sub(" ", text)))


def _without_invisible(value: object) -> object:
    """``value`` (a string, or strings in a list) without :data:`_INVISIBLE` characters."""
    if isinstance(value, str):
        return _INVISIBLE.sub("", value)
    if isinstance(value, list):
        return [_without_invisible(item) for item in value]
    return value


def refuse_hidden_characters(value: object) -> None:
    """Raise a ``control_characters`` validation error if ``value`` (a string, or
    strings in a list or a dict) holds a control or bidirectional control character."""
    if isinstance(value, str):
        found = _HIDDEN.search(value)
        if found:
            raise PydanticCustomError(
                "control_characters",
                "contains the invisible character {character} (a control or text-direction "
                "character); remove it",
                {"character": f"U+{ord(found.group()):04X}"},
            )
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_hidden_characters(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_hidden_characters(key)
            refuse_hidden_characters(item)


class RecordInput(BaseModel):
    """A model read from outside: unknown fields refused, text stripped and free of
    hidden characters: controls refused, characters that show as nothing dropped.
    Records read back from the database are validated with the :data:`STORED` context,
    which shows what is stored as it is."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _drop_invisible(cls, value, info: ValidationInfo):
        """Before the field's own checks, so a name of nothing visible is empty."""
        return value if (info.context or {}).get("stored") else _without_invisible(value)

    @field_validator("*")
    @classmethod
    def _visible_text(cls, value, info: ValidationInfo):
        if not (info.context or {}).get("stored"):
            refuse_hidden_characters(value)
        return value


def known_skills(uris: list[str]) -> list[str]:
    """Refuse ESCO URIs that are not in the project's skill table."""
    index = load_catalogue().skill_index
    unknown = [u for u in uris if u not in index]
    if unknown:
        raise ValueError(f"unknown ESCO skill {unknown[0]}; use a skill from the catalogue")
    return list(dict.fromkeys(uris))


def known_place(value: str) -> str:
    """Refuse places the travel-time table does not know."""
    if value not in PLACE_NAMES:
        raise ValueError(f"unknown place; expected one of: {', '.join(PLACE_NAMES)}")
    return value


Place = Annotated[str, AfterValidator(known_place)]
SkillList = Annotated[list[SkillUri], AfterValidator(known_skills)]


class Experience(RecordInput):
    niche: NicheCode | Literal["other"]
    years: StrictFloat = Field(ge=0, le=60)


class ParticipantProfile(RecordInput):
    """What a caseworker records about a participant (no sensitive attributes)."""

    edition_id: RecordId = Field(description="Edition (BC Lab) the participant belongs to")
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    email: Annotated[str, StringConstraints(max_length=200)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    profile_text: Annotated[str, StringConstraints(max_length=PROFILE_TEXT_MAX)] = Field(
        "", description="The participant's own description, in English or Spanish"
    )
    text_language: TextLanguage | None = Field(
        None,
        description="Language of the profile text (ISO 639-1); left out, it is detected "
        "from the text (null when the text is too short to tell)",
    )
    skills: SkillList = Field(default_factory=list, max_length=200)
    skills_text: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=100, description="Skills in the person's own words"
    )
    spanish_level: Cefr = "B1"
    other_languages: list[LanguageLevel] = Field(default_factory=list, max_length=20)
    education: Education = "secondary"
    experience: list[Experience] = Field(default_factory=list, max_length=30)
    availability: Availability = "full_day"
    district: Place = "Fuenlabrada Centro"
    max_commute_minutes: StrictInt = Field(45, ge=5, le=240)
    niche_preferences: list[NicheCode] = Field(default_factory=list, max_length=13)
    months_unemployed: StrictInt = Field(0, ge=0, le=600)
    digital_access: StrictBool = True
    driving_licence: StrictBool = False
    induction: Literal["attended", "missed"] | None = Field(
        None,
        description="Whether they came to the programme's induction session (left out: not "
        "known yet); an early sign of engagement",
    )
    available: StrictBool = True
    consent_share: StrictBool = False
    consent_version: Annotated[str, StringConstraints(max_length=60)] = ""
    notes: Annotated[str, StringConstraints(max_length=2000)] = ""

    @field_validator("niche_preferences")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("niche preferences must not repeat")
        return value


class Participant(ParticipantProfile):
    participant_id: RecordId


class SensitiveAttributes(RecordInput):
    """Kept apart; used only for team composition quotas and fairness audits."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "migrant": True,
                    "origin_group": "maghreb",
                    "nationality": "Morocco",
                    "gender": "F",
                    "birth_year": 1994,
                }
            ]
        },
    )

    migrant: StrictBool = False
    origin_group: Annotated[str, StringConstraints(max_length=60)] = ""
    nationality: Annotated[str, StringConstraints(max_length=60)] = ""
    gender: Literal["F", "M", "X", ""] = ""
    birth_year: StrictInt | None = Field(None, ge=1900, le=2100)


SENSITIVE_FIELDS: frozenset[str] = frozenset(
    {*SensitiveAttributes.model_fields, "age", "religion", "ethnicity", "origin"}
)


class CompanyIn(RecordInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"name": "Jardines del Sur S.L.", "size": "small", "sector": "gardening"}]
        },
    )

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    size: Literal["micro", "small", "medium", "large"] = "small"
    sector: NicheCode


class Company(CompanyIn):
    company_id: RecordId


class EditionIn(RecordInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "BC Lab 5",
                    "start_date": "2024-09-02",
                    "end_date": "2025-03-02",
                    "remote": False,
                }
            ]
        },
    )

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    start_date: ProgrammeDate
    end_date: ProgrammeDate
    remote: StrictBool = False

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, value: date, info) -> date:
        start = info.data.get("start_date")
        if start is not None and value < start:
            raise ValueError("end_date must not be before start_date")
        return value


class Edition(EditionIn):
    edition_id: RecordId


class ChallengeIn(RecordInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "edition_id": 5,
                    "company_id": 1,
                    "niche": "gardening",
                    "title": "Park upkeep crew",
                    "description": "Municipal parks in Loranca.",
                    "essential_skills": [
                        "http://data.europa.eu/esco/skill/af9b6098-7d2f-4990-b4eb-d7dd73fdb933"
                    ],
                    "taught_skills": [
                        "http://data.europa.eu/esco/skill/af9b6098-7d2f-4990-b4eb-d7dd73fdb933"
                    ],
                    "min_spanish": "A2",
                    "seats": 18,
                    "schedule": "morning",
                    "location": "Loranca",
                }
            ]
        },
    )

    edition_id: RecordId
    company_id: RecordId
    niche: NicheCode
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    essential_skills: SkillList = Field(default_factory=list, max_length=60)
    optional_skills: SkillList = Field(default_factory=list, max_length=60)
    taught_skills: SkillList = Field(default_factory=list, max_length=120)
    min_spanish: Cefr = "A2"
    seats: StrictInt = Field(18, ge=1, le=500)
    schedule: Schedule = "full_day"
    location: Place = "Fuenlabrada Centro"
    remote: StrictBool = False


class BusinessChallenge(ChallengeIn):
    challenge_id: RecordId
