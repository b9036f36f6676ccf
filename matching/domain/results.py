"""What the engine answers: shortlists, niche suggestions and team plans, with reasons.

Plain pydantic models, so the API returns them as they are and every answer carries
what a person needs to check it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Reason(BaseModel):
    """One thing that raised or lowered a recommendation, in plain words."""

    factor: Literal[
        "skills",
        "training",
        "experience",
        "language",
        "commute",
        "schedule",
        "preference",
        "similarity",
        "readiness",
        "background",
        "engagement",
        "company",
        "history",
    ]
    effect: float = Field(description="Change in the score this factor causes (+ raises)")
    text: str


# what a reason may speak of to a company: the job-relevant factors. Never the person's
# circumstances (time out of work, education, a device at home, coming to the induction)
# nor how they resemble the company's earlier trainees or what the company's own record is
COMPANY_REASON_FACTORS: frozenset[str] = frozenset(
    {"skills", "training", "experience", "language", "commute", "schedule", "preference",
     "similarity"}
)  # fmt: skip


class SkillRef(BaseModel):
    uri: str
    label: str
    implied: bool = Field(
        False, description="Not stated, but implied by stated experience in a job that needs it"
    )


class Candidate(BaseModel):
    """A ranked participant for one challenge, with everything needed to check it."""

    participant_id: int
    rank: int
    score: float = Field(description="Expected progress through the programme, 0..1")
    p_join: float
    p_complete: float
    p_hire: float
    similarity: float
    matched_skills: list[SkillRef]
    missing_taught: list[SkillRef] = Field(description="Missing skills the training teaches")
    missing_untaught: list[SkillRef] = Field(description="Missing skills training leaves open")
    reasons: list[Reason]
    commute_minutes: int
    schedule_fit: bool
    spanish_level: str


class InsufficientProfile(BaseModel):
    participant_id: int
    missing: list[Literal["profile_text", "skills", "experience"]] = Field(
        description="What to add: a profile text of at least 8 words, skills (none recorded "
        "or recognised), work experience"
    )


class Shortlist(BaseModel):
    challenge_id: int
    edition_id: int
    candidates: list[Candidate]
    not_enough_information: list[InsufficientProfile]
    scoring: str = Field(description="'learned' or 'fallback' and what that means")
    model_version: str | None
    index_version: str | None
    pool_size: int
    fairness: dict[str, float | bool | str] = Field(default_factory=dict)
    empty_reason: (
        Literal["no_participants", "none_available", "none_consenting", "only_thin"] | None
    ) = Field(
        None,
        description="Why no candidate was found (null when there are candidates): nobody "
        "registered in the edition yet, nobody available, nobody who agreed to share with "
        "companies (consent-only lists), or every profile too thin to score",
    )
    note: str = Field("", description="The empty reason in words, in the language asked for")


class NicheSuggestion(BaseModel):
    niche: str
    name: str
    rank: int
    score: float = Field(description="What the ranking sorts by (the method's own scale)")
    evidence: Literal["strong", "clear", "some", "little"] = Field(
        description="How much the record and the text point to this niche, in words"
    )
    chance: float | None = Field(
        None, description="The niche model's chance of success here, 0..1 (learned method only)"
    )
    matched_skills: list[SkillRef]
    reasons: list[str]


class NicheRanking(BaseModel):
    participant_id: int
    method: Literal["learned", "catalogue"] = Field(
        description="'learned': the niche model trained on past outcomes; 'catalogue': the "
        "catalogue's evidence (profile text, experience, preferences, skills)"
    )
    model_version: str | None
    outside_catalogue: bool
    note: str
    text_language: str | None = Field(
        None, description="Language the profile text was read in (ISO 639-1), if any"
    )
    outside_work: list[str] = Field(
        default_factory=list,
        description="Work the text names that lies outside the 13 niches, quoted",
    )
    suggestions: list[NicheSuggestion]


class TeamMember(BaseModel):
    participant_id: int
    fit: float
    migrant: bool
    locked: bool
    reasons: list[str]


class Team(BaseModel):
    challenge_id: int
    seats: int
    members: list[TeamMember]
    migrants: int
    migrant_share: float
    required_migrants: int
    total_fit: float


class TeamPlan(BaseModel):
    edition_id: int
    teams: list[Team]
    unassigned: list[int]
    objective: float
    greedy_objective: float
    independent_objective: float = Field(
        description="Sum of each challenge's own top picks, ignoring that a person can join "
        "only one team (an upper bound)"
    )
    fit_given_up: float
    contested_participants: int = Field(
        description="People who would sit in more than one independent shortlist"
    )
    optimality_gap: float
    solver: str
    seconds: float
    min_migrant_share: float
    max_migrant_share: float


class FoundConcept(BaseModel):
    """An ESCO skill or occupation read in a text, with the words it came from."""

    kind: Literal["skill", "occupation"]
    uri: str
    label: str
    quote: str = Field(description="The text's own words")
    niche: str | None = Field(
        None, description="The niche it points to (null: outside the 13 niches or none)"
    )


class NicheEvidence(BaseModel):
    niche: str
    name: str
    evidence: float = Field(description="Job-title share plus niche-word share, 0..2")


class TextConcepts(BaseModel):
    """What the service reads in a free text (Spanish or English)."""

    language: str | None = Field(description="Detected language (ISO 639-1), if any")
    read: bool = Field(description="False when the text is in a language the service cannot read")
    words: int
    occupations: list[FoundConcept]
    skills: list[FoundConcept]
    years: dict[str, float] = Field(
        description="Years of experience stated, per niche ('other': outside the 13)"
    )
    niches: list[NicheEvidence] = Field(description="Niches the text points to, strongest first")


class SuggestedSkill(BaseModel):
    uri: str
    label: str
    source: Literal["text", "occupation", "niche"] = Field(
        description="'text': named in the text; 'occupation': an essential skill of a job "
        "the text names; 'niche': a core skill of the suggested niche"
    )
    quote: str | None = Field(None, description="The text's words, when named in it")


class ChallengeSuggestion(BaseModel):
    """A Business Challenge read from its free-text description, for a caseworker to
    confirm or edit: nothing is stored until they do."""

    niche: str | None = Field(description="Suggested niche (null when the text names none)")
    niche_name: str | None
    alternatives: list[NicheEvidence]
    essential_skills: list[SuggestedSkill]
    optional_skills: list[SuggestedSkill]
    concepts: TextConcepts
    note: str
