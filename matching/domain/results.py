"""What the engine answers: shortlists, niche suggestions and team plans, with reasons.

Plain pydantic models, so the API returns them as they are and every answer carries
what a person needs to check it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    """A skill as an answer names it. Frozen: the catalogue hands out one object per
    skill, language and marks, shared by every answer (see ``Catalogue.skill_ref``)."""

    model_config = ConfigDict(frozen=True)

    uri: str
    label: str
    implied: bool = Field(
        False, description="Not stated, but implied by stated experience in a job that needs it"
    )
    from_text: bool = Field(
        False,
        description="Not recorded, but named in the profile text or CV (read from text)",
    )


class PairDetail(BaseModel):
    """What the scorer and the explanations say of one person for one challenge: the same
    numbers and reasons whether the pair is read as a shortlist's candidate or as a
    person's placement."""

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


class Candidate(PairDetail):
    """A ranked participant for one challenge, with everything needed to check it."""

    participant_id: int
    rank: int


MissingInformation = Literal["profile_text", "skills", "experience"]
MISSING_DESCRIPTION = (
    "What to add: a profile text of at least 8 words, skills (none recorded or recognised), "
    "work experience"
)


class InsufficientProfile(BaseModel):
    participant_id: int
    missing: list[MissingInformation] = Field(description=MISSING_DESCRIPTION)


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


PlacementState = Literal[
    "ranked", "no_consent", "unavailable", "not_enough_information", "no_open_challenge"
]


class Placement(PairDetail):
    """One challenge for one person: their chances and reasons (their row of the
    challenge's shortlist) and how contested its seats are."""

    rank: int = Field(description="1 = the challenge that suits the person best")
    challenge_id: int
    edition_id: int
    title: str
    company_id: int
    company_name: str | None = Field(
        None, description="The company's name (the service adds it from its records)"
    )
    niche: str = Field(description="Niche code")
    niche_name: str = Field(description="The niche's name in the answer's language")
    seats: int
    shortlist_rank: int | None = Field(
        description="The person's place on the challenge's shortlist, counted over every "
        "candidate it ranks (null: the shortlist does not hold them)"
    )
    candidates: int = Field(description="How many candidates the shortlist ranks")
    stronger_candidates: int = Field(
        description="Candidates above the person on the shortlist (not on it: who score higher)"
    )
    contested: bool = Field(
        description="At least as many stronger candidates as seats: going by the shortlist, "
        "no seat is left for the person"
    )
    contest: str = Field(description="The standing in plain words")
    planned: bool = Field(description="The edition's team plan puts the person here")


class PlanPlace(BaseModel):
    """Where the edition's team plan puts the person, and why."""

    source: Literal["confirmed", "proposed"] = Field(
        description="'confirmed': the teams a caseworker confirmed; 'proposed': what the "
        "planner proposes now (the programme's composition rule, no locks)"
    )
    challenge_id: int | None = Field(description="null: the plan gives the person no seat")
    title: str | None
    placement_rank: int | None = Field(
        description="That challenge's rank among the person's placements"
    )
    why: str


class Placements(BaseModel):
    """The challenges that suit one person, best first: the caseworker's answer to
    "which of these challenges should this person go for, and with what chances?"."""

    participant_id: int
    state: PlacementState = Field(
        description="'ranked', or why the list is empty: no consent to share with "
        "companies, marked unavailable, a profile too thin to score, no open challenge"
    )
    note: str = Field(description="One sentence on the answer, or why it is empty")
    missing: list[MissingInformation] = Field(default_factory=list, description=MISSING_DESCRIPTION)
    edition_id: int = Field(
        description="The edition whose challenges are ranked (an empty answer: the person's)"
    )
    own_edition: bool = Field(
        description="False when the person's own edition has no challenges and the next "
        "edition that has some is ranked instead"
    )
    open_challenges: int = Field(description="How many challenges were ranked")
    placements: list[Placement]
    plan: PlanPlace | None = Field(
        description="Where the team plan puts the person (null: no plan is possible)"
    )
    scoring: str
    model_version: str | None
    index_version: str | None


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
    reasons: list[Reason] = Field(
        description="The strongest reasons of the member's fit, each with its effect"
    )


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


class FoundJob(BaseModel):
    """A job a text dates (a CV's "Sous Chef, Jul 2010 - Jan 2013"), as read."""

    title: FoundConcept
    when: str = Field(description="The text's own words for the period")
    years: float


class NicheEvidence(BaseModel):
    niche: str
    name: str
    evidence: float = Field(description="Job-title share plus niche-word share, 0..2")


class TextConcepts(BaseModel):
    """What the service reads in a free text (Spanish, English or French)."""

    language: str | None = Field(
        description="Detected language (ISO 639-1), if any: show the text marked with it"
    )
    read: bool = Field(description="False when the text is in a language the service cannot read")
    words: int
    occupations: list[FoundConcept]
    skills: list[FoundConcept]
    jobs: list[FoundJob] = Field(
        default_factory=list, description="Jobs the text dates, weightiest first"
    )
    years: dict[str, float] = Field(
        description="Years of experience stated or dated, per niche ('other': outside the 13)"
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
