"""Request and response models of the API, derived from the domain types.

Response models decide which fields leave the server: caseworkers get
:class:`ParticipantOut`; companies only ever get :class:`CompanyTrainee`, which has no
sensitive attribute, no caseworker notes, no district, and a name and contact only
after a caseworker released them to that company.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    create_model,
    field_validator,
    model_validator,
)

from matching.domain.records import (
    BusinessChallenge,
    ChallengeIn,
    Company,
    CompanyIn,
    EditionIn,
    EventName,
    Experience,
    Participant,
    ParticipantProfile,
    RecordInput,
    SensitiveAttributes,
)
from matching.domain.results import Reason, SkillRef, TextConcepts

T = TypeVar("T")
# a trainee's pseudonym (see service.db.new_pseudonym); those made before pseudonyms
# grew to 14 digits have 8
PSEUDONYM_PATTERN = r"^T-[0-9A-F]{8}([0-9A-F]{6})?$"
Id = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]
Share = Annotated[StrictFloat, Field(ge=0, le=1, description="A fraction, 0 to 1")]


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """A PATCH body: every field of ``model`` optional, with its type's own rules
    (strictness, ranges, lengths); the merged record is then validated against
    ``model`` itself, so the rules across fields apply too."""
    fields: dict[str, Any] = {
        field: (
            (Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)
            | None,
            Field(None, description=info.description),
        )
        for field, info in model.model_fields.items()
    }
    return create_model(name, __base__=RecordInput, **fields)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ParticipantCreate(ParticipantProfile):
    """A new participant; sensitive attributes are optional and stored apart."""

    sensitive: SensitiveAttributes | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "edition_id": 4,
                    "display_name": "Fatima El Amrani",
                    "email": "fatima@example.org",
                    "profile_text": "Three years as a gardener in Loranca parks; I prune trees and "
                    "fix irrigation.",
                    "skills_text": ["podar árboles", "riego"],
                    "spanish_level": "B1",
                    "experience": [{"niche": "gardening", "years": 3}],
                    "availability": "morning",
                    "district": "Loranca",
                    "max_commute_minutes": 45,
                    "niche_preferences": ["gardening"],
                    "consent_share": True,
                    "consent_version": "2024-consent-v2",
                    "sensitive": {"migrant": True, "origin_group": "maghreb", "gender": "F"},
                }
            ]
        }
    )


ParticipantPatch = partial(ParticipantProfile, "ParticipantPatch")
CompanyPatch = partial(CompanyIn, "CompanyPatch")
EditionPatch = partial(EditionIn, "EditionPatch")
ChallengePatch = partial(ChallengeIn, "ChallengePatch")


class ParticipantOut(Participant):
    """The caseworker's view (no sensitive attributes; those have their own route)."""

    pseudonym: str
    consent_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class ConsentIn(RecordInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"granted": False, "text_version": "2024-consent-v2"}]},
    )
    granted: StrictBool
    text_version: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)
    ]


class ContactReleaseIn(RecordInput):
    """A caseworker releases a trainee's name and contact to the challenge's company."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"participant_id": 480, "interview_agreed": True}]},
    )
    participant_id: Id
    interview_agreed: StrictBool = Field(
        description="Must be true: contact is released only once an interview is agreed"
    )

    @field_validator("interview_agreed")
    @classmethod
    def _agreed(cls, value: bool) -> bool:
        if not value:
            raise ValueError("must be true: contact is released only once an interview is agreed")
        return value


class CompanyTrainee(BaseModel):
    """What a company may see of a trainee: blind by default."""

    trainee_id: str = Field(description="Pseudonymous trainee reference")
    skills: list[str]
    experience: list[Experience]
    spanish_level: str
    other_languages: list[str]
    availability: str
    name: str | None = Field(None, description="Only after a caseworker released it")
    email: str | None = None
    phone: str | None = None


class CompanyMatch(BaseModel):
    trainee: CompanyTrainee
    rank: int
    score: float
    p_join: float
    p_complete: float
    p_hire: float
    matched_skills: list[SkillRef]
    missing_taught: list[SkillRef]
    missing_untaught: list[SkillRef]
    reasons: list[Reason]
    in_team: bool


class ChallengeMatches(BaseModel):
    challenge: BusinessChallenge
    matches: list[CompanyMatch]
    empty_reason: str | None = Field(
        None,
        description="Why no trainee is shown (null when some are): as a shortlist's "
        "empty_reason (no_participants, none_available, none_consenting, only_thin)",
    )
    note: str = Field("", description="The empty reason in words")


class CompanyMatches(BaseModel):
    company: Company
    challenges: list[ChallengeMatches]


class OutcomeIn(RecordInput):
    """An outcome for a (participant, challenge) pair. Caseworkers name the participant by
    id; companies by the trainee id they were shown."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "challenge_id": 27,
                    "participant_id": 480,
                    "event": "interviewed",
                    "client_key": "cw-2024-05-12-0001",
                },
                {
                    "challenge_id": 27,
                    "trainee_id": "T-1A2B3C4D5E6F70",
                    "event": "rejected",
                    "reason": "schedule does not fit",
                    "rating": 3,
                    "client_key": "co-7-0042",
                },
            ]
        },
    )
    challenge_id: Id
    participant_id: Id | None = None
    trainee_id: Annotated[str, StringConstraints(pattern=PSEUDONYM_PATTERN)] | None = None
    event: EventName
    at: datetime | None = None
    reason: Annotated[str, StringConstraints(max_length=300)] = ""
    rating: StrictFloat | None = Field(None, ge=1, le=5)
    client_key: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = Field(
        None, description="Idempotency key: repeating a request with it records nothing new"
    )

    @model_validator(mode="after")
    def _one_person(self) -> OutcomeIn:
        if (self.participant_id is None) == (self.trainee_id is None):
            raise ValueError("give exactly one of participant_id or trainee_id")
        return self


class OutcomeOut(BaseModel):
    id: int
    challenge_id: int
    trainee_id: str
    participant_id: int | None = Field(None, description="Shown to caseworkers only")
    event: EventName
    at: datetime
    reason: str
    rating: float | None
    client_key: str | None


class KeyIn(RecordInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "company", "company_id": 3, "label": "HR desk"}]},
    )
    role: Literal["admin", "caseworker", "analyst", "company"]
    company_id: Id | None = None
    label: Annotated[str, StringConstraints(max_length=120)] = ""


class KeyOut(BaseModel):
    id: int
    role: str
    company_id: int | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    key: str = Field(description="Shown once; only its hash is stored")


class AuditOut(BaseModel):
    id: int
    at: datetime
    key_id: int | None
    role: str
    action: str
    target: str
    request: dict
    model_version: str | None
    index_version: str | None
    participants: list[str]


class Status(BaseModel):
    scoring: str
    scoring_description: str
    model_version: str | None
    index_version: str | None
    index_type: str
    indexed_participants: int
    pool_participants: int
    challenges: int
    embedding_model: str
    embedding_kind: str = Field(
        description="`transformer` (the sentence model) or `static` (the bulk model distilled "
        "from it): which model embedded the index and embeds challenges"
    )
    niche_model_version: str | None
    promotion: dict | None = Field(
        None,
        description="The latest retrain's promotion decision: `decision` (learned, rules or "
        "incumbent), `reason`, `difference` {mean, low, high} of NDCG@10 against the ranking "
        "it failed to beat (or the closer one), and each comparison under `versus`",
    )
    recall_probe: dict | None = Field(
        None,
        description="The index's latest recall probe: recall@k against exact search over "
        "sampled challenge queries and the efSearch it chose (exact search: recall 1)",
    )
    feed_version: int = Field(
        description="The newest change-feed version this worker's engine has applied"
    )


class TeamLock(RecordInput):
    model_config = ConfigDict(extra="forbid")
    participant_id: Id
    challenge_id: Id
    join: StrictBool = Field(True, description="true: must join this team; false: must not")


class SeatOverride(RecordInput):
    model_config = ConfigDict(extra="forbid")
    challenge_id: Id
    seats: StrictInt = Field(ge=1, le=500)


class TeamPlanRequest(RecordInput):
    """Ask for a team plan (nothing is stored)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "locks": [{"participant_id": 402, "challenge_id": 25, "join": True}],
                }
            ]
        },
    )
    min_migrant_share: Share | None = Field(
        None, description="At least this share of each team's seats (default: the programme's)"
    )
    max_migrant_share: Share | None = Field(
        None, description="At most this share of each team's seats (default: the programme's)"
    )
    locks: list[TeamLock] = Field(default_factory=list, max_length=2000)
    seats: list[SeatOverride] = Field(default_factory=list, max_length=1000)


class ConfirmedTeamIn(RecordInput):
    model_config = ConfigDict(extra="forbid")
    challenge_id: Id
    members: list[Id] = Field(max_length=500)
    locked: list[Id] = Field(default_factory=list, max_length=500)
    seats: StrictInt | None = Field(
        None,
        ge=1,
        le=500,
        description="The seats the team was planned for (default: the challenge's); its "
        "migrants are counted against them",
    )


class TeamsConfirm(RecordInput):
    """A plan as confirmed by a caseworker (possibly edited)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"teams": [{"challenge_id": 25, "members": [401, 402, 405], "locked": [401]}]}
            ]
        },
    )
    teams: list[ConfirmedTeamIn] = Field(min_length=1, max_length=1000)
    min_migrant_share: Share | None = Field(
        None, description="The stricter minimum the plan was made with (default: the programme's)"
    )
    max_migrant_share: Share | None = Field(
        None, description="The stricter maximum the plan was made with (default: the programme's)"
    )


class ConfirmedTeam(BaseModel):
    challenge_id: int
    members: list[int]
    locked: list[int]
    migrants: int
    migrant_share: float
    confirmed_at: datetime


class TextIn(RecordInput):
    """Free text to read (a CV, a profile, a job description), Spanish or English."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "text": "Camarero con cinco años de experiencia en bares y restaurantes, "
                    "servicio de mesas y barra."
                }
            ]
        },
    )

    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class ChallengeText(RecordInput):
    """A Business Challenge as a company describes it, to read a niche and skills from."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "title": "Camareros/as de sala y barra",
                    "description": "Restaurante en Fuenlabrada busca camareros para servir "
                    "mesas, preparar cafés y atender a los clientes. Jornada de mañana.",
                }
            ]
        },
    )

    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""


class CvRead(BaseModel):
    """What an uploaded CV added to a participant's profile (the file is not kept)."""

    participant: ParticipantOut
    characters_read: int = Field(description="Characters of text read from the file")
    stopped_early: bool = Field(
        description="True when the file held more than is read of a CV (more than 20 "
        "pages or 20,000 characters): the rest was not read"
    )
    truncated: bool = Field(description="True when the profile text had to be cut to its limit")
    concepts: TextConcepts = Field(description="What the service read in the CV's text")
