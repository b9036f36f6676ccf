"""Which words each reason takes for one candidate: the phrasing of every factor, with
the values it quotes, chosen from the candidate's features, the pool's facts about
them and (for factors measured against an average) the sign of the measured effect.
The phrasings themselves are in :mod:`matching.reason_texts`."""

from __future__ import annotations

import math
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


def _experience(x: list[float], facts: Facts, i: int) -> tuple[str, dict]:
    years = facts.years_here[i]
    if years > 0:
        key = "experience_text" if facts.years_from_text[i] else "experience"
        return key, {"years": round(years, 1)}
    if x[F["text_evidence"]] >= NAMED_WORK_EVIDENCE:
        return "named_work", {}
    other = facts.years_anywhere[i]
    if other > 0:
        return "experience_elsewhere", {"years": round(other, 1)}
    return ("text_hint" if x[F["text_evidence"]] > 0 else "no_experience"), {}


def factor_phrasings(
    x: list[float],
    facts: Facts,
    i: int,
    challenge: ChallengeView,
    language: str,
    mean_similarity: float,
) -> dict[str, tuple[str, dict]]:
    """Per factor (but skills and training), the phrasing key and its values."""
    words = WORDS[language]
    level, minimum = int(x[F["spanish_level"]]), challenge.min_spanish
    pref = x[F["niche_preference"]]
    induction = x[F["induction"]]
    return {
        "experience": _experience(x, facts, i),
        "language": (
            "language_low"
            if level < minimum
            else "language_above"
            if level > minimum
            else "language_ok",
            {"level": CEFR_LEVELS[level], "minimum": CEFR_LEVELS[minimum]},
        ),
        "schedule": (
            "schedule_ok" if x[F["schedule_fit"]] else "schedule_no",
            {
                "availability": words[AVAILABILITY[facts.availability[i]]],
                "schedule": words[SCHEDULES[challenge.schedule]],
            },
        ),
        "preference": (
            "no_preference"
            if pref <= 0
            else "preference_text"
            if facts.prefs_from_text[i]
            else "preference",
            {"rank": preference_rank(pref)} if pref > 0 else {},
        ),
        "similarity": (
            "similarity_high" if x[F["similarity"]] >= mean_similarity else "similarity_low",
            {},
        ),
        "readiness": ("no_device" if x[F["remote_without_device"]] else "ready", {}),
        "engagement": (
            "induction_unknown"
            if math.isnan(induction)
            else "induction_yes"
            if induction
            else "induction_no",
            {},
        ),
    }


def effect_phrasings(
    effect: dict[str, float], x: list[float], facts: Facts, i: int, language: str
) -> dict[str, tuple[str, dict]]:
    """Phrasings for factors measured against the candidates' average or the headline
    rates (commute within the limit, background, the company's record) or made of
    several directions (likeness to the company's earlier trainees): whether they count
    for or against is the sign of the measured effect."""
    education = EDUCATION[facts.education[i]]
    no_history = x[F["company_joined"]] == 0
    return {
        "commute": (
            "commute_far"
            if x[F["commute_over_limit"]] > 0
            else "commute_short"
            if effect["commute"] >= 0
            else "commute_long",
            {"minutes": int(x[F["commute_minutes"]]), "limit": facts.max_commute[i]},
        ),
        "background": (
            "background_up" if effect["background"] >= 0 else "background_down",
            {"education": WORDS[language][education], "months": facts.months_unemployed[i]},
        ),
        "history": (
            "history_none"
            if no_history
            else "history_like"
            if effect["history"] >= 0
            else "history_unlike",
            {},
        ),
        "company": (
            "company_none"
            if no_history
            else "company_up"
            if effect["company"] >= 0
            else "company_down",
            {},
        ),
    }
