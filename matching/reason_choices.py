"""Which words each reason takes: the phrasing of every factor, with the values it
quotes, chosen from the candidate's features, the pool's facts about them and (for
factors measured against an average) the sign of the measured effect. Chosen a factor
at a time for all candidates: one candidate at a time, looking the factors up cost
more than choosing. The phrasings themselves are in :mod:`matching.reason_texts`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from matching.challenge_view import ChallengeView
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, EDUCATION, SCHEDULES
from matching.features import FEATURES
from matching.pool import ParticipantPool, preference_rank

F = {name: i for i, name in enumerate(FEATURES)}
NAMED_WORK_EVIDENCE = 0.5
WORDS = {
    "en": {
        "morning": "mornings",
        "afternoon": "afternoons",
        "full_day": "full days",
        "flexible": "any time",
        "none": "none",
        "primary": "primary",
        "secondary": "secondary",
        "vocational": "vocational",
        "university": "university",
    },
    "es": {
        "morning": "mañanas",
        "afternoon": "tardes",
        "full_day": "jornada completa",
        "flexible": "cualquier horario",
        "none": "sin estudios",
        "primary": "primaria",
        "secondary": "secundaria",
        "vocational": "formación profesional",
        "university": "universitarios",
    },
}


@dataclass(frozen=True)
class Facts:
    """The pool's facts about the explained candidates that the words quote, read for
    all of them at once as plain numbers (one at a time, each read cost more than the
    phrase it fills)."""

    years_here: list[float]
    years_anywhere: list[float]
    years_from_text: list[bool]
    prefs_from_text: list[bool]
    availability: list[int]
    education: list[int]
    months_unemployed: list[int]
    max_commute: list[int]

    @classmethod
    def of(cls, pool: ParticipantPool, rows: np.ndarray, niche: int) -> Facts:
        cols = pool.cols
        return cls(
            pool.years[rows, niche].tolist(),
            pool.years[rows].sum(axis=1).tolist(),
            *(
                cols[name][rows].tolist()
                for name in (
                    "years_from_text",
                    "prefs_from_text",
                    "availability",
                    "education",
                    "months_unemployed",
                    "max_commute",
                )
            ),
        )


# a phrasing key and the values it quotes, as (name, value) pairs
Phrasing = tuple[str, tuple[tuple[str, object], ...]]
# the feature columns the words read
READ = (
    "text_evidence",
    "spanish_level",
    "schedule_fit",
    "niche_preference",
    "similarity",
    "remote_without_device",
    "induction",
    "commute_over_limit",
    "commute_minutes",
    "company_joined",
)


def phrasings(
    x: np.ndarray,
    facts: Facts,
    challenge: ChallengeView,
    language: str,
    mean_similarity: float,
    effects: Mapping[str, np.ndarray],
    niche: str,
) -> dict[str, list[Phrasing]]:
    """Per factor (but skills and training), every candidate's phrasing, its values led
    by the niche's name; ``x`` holds the candidates' features, one row each."""
    col = {name: x[:, F[name]].tolist() for name in READ}
    named = ("niche", niche)
    words = WORDS[language]
    minimum = challenge.min_spanish
    schedule = ("schedule", words[SCHEDULES[challenge.schedule]])
    went_well = {
        f: (effects[f] >= 0).tolist() for f in ("commute", "background", "history", "company")
    }
    no_history = [joined == 0 for joined in col["company_joined"]]
    return {
        "experience": [
            _experience(named, *fact, evidence)
            for *fact, evidence in zip(
                facts.years_here,
                facts.years_from_text,
                facts.years_anywhere,
                col["text_evidence"],
                strict=True,
            )
        ],
        "language": [
            (
                "language_low"
                if level < minimum
                else "language_above"
                if level > minimum
                else "language_ok",
                (named, ("level", CEFR_LEVELS[level]), ("minimum", CEFR_LEVELS[minimum])),
            )
            for level in map(int, col["spanish_level"])
        ],
        "schedule": [
            (
                "schedule_ok" if fit else "schedule_no",
                (named, ("availability", words[AVAILABILITY[available]]), schedule),
            )
            for fit, available in zip(col["schedule_fit"], facts.availability, strict=True)
        ],
        "preference": [
            (
                "preference_text" if from_text else "preference",
                (named, ("rank", preference_rank(pref))),
            )
            if pref > 0
            else ("no_preference", (named,))
            for pref, from_text in zip(col["niche_preference"], facts.prefs_from_text, strict=True)
        ],
        "similarity": [
            ("similarity_high" if s >= mean_similarity else "similarity_low", (named,))
            for s in col["similarity"]
        ],
        "readiness": [
            ("no_device" if without else "ready", (named,))
            for without in col["remote_without_device"]
        ],
        "engagement": [
            (
                "induction_unknown"
                if math.isnan(induction)
                else "induction_yes"
                if induction
                else "induction_no",
                (named,),
            )
            for induction in col["induction"]
        ],
        **_measured_against_average(col, facts, words, named, went_well, no_history),
    }


def _experience(
    named: tuple, years: float, from_text: bool, anywhere: float, evidence: float
) -> Phrasing:
    if years > 0:
        return ("experience_text" if from_text else "experience"), (
            named,
            ("years", round(years, 1)),
        )
    if evidence >= NAMED_WORK_EVIDENCE:
        return "named_work", (named,)
    if anywhere > 0:
        return "experience_elsewhere", (named, ("years", round(anywhere, 1)))
    return ("text_hint" if evidence > 0 else "no_experience"), (named,)


def _measured_against_average(
    col: dict[str, list],
    facts: Facts,
    words: dict[str, str],
    named: tuple,
    went_well: dict[str, list[bool]],
    no_history: list[bool],
) -> dict[str, list[Phrasing]]:
    """Phrasings for factors measured against the candidates' average or the headline
    rates (commute within the limit, background, the company's record) or made of
    several directions (likeness to the company's earlier trainees): whether they count
    for or against is the sign of the measured effect."""
    return {
        "commute": [
            (
                "commute_far" if over > 0 else "commute_short" if well else "commute_long",
                (named, ("minutes", int(minutes)), ("limit", limit)),
            )
            for over, well, minutes, limit in zip(
                col["commute_over_limit"],
                went_well["commute"],
                col["commute_minutes"],
                facts.max_commute,
                strict=True,
            )
        ],
        "background": [
            (
                "background_up" if well else "background_down",
                (named, ("education", words[EDUCATION[education]]), ("months", months)),
            )
            for well, education, months in zip(
                went_well["background"], facts.education, facts.months_unemployed, strict=True
            )
        ],
        "history": [
            ("history_none" if none else "history_like" if well else "history_unlike", (named,))
            for none, well in zip(no_history, went_well["history"], strict=True)
        ],
        "company": [
            ("company_none" if none else "company_up" if well else "company_down", (named,))
            for none, well in zip(no_history, went_well["company"], strict=True)
        ],
    }
