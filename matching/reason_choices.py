"""Which words each reason takes: the phrasing of every factor, with the values it
quotes, chosen from the candidate's features, the pool's facts about them and (for
factors measured against an average) the sign of the measured effect. Chosen a factor
at a time for all candidates: one candidate at a time, looking the factors up cost
more than choosing. The phrasings themselves are in :mod:`matching.reason_texts`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from matching.challenge_view import ChallengeView
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, EDUCATION, SCHEDULES
from matching.features import FEATURES
from matching.pool import INDUCTION_UNKNOWN, ParticipantPool, preference_rank
from matching.reason_texts import phrased

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
    "remote_without_device",
    "commute_over_limit",
    "commute_minutes",
    "company_joined",
)


def factor_texts(
    x: np.ndarray,
    facts: Facts,
    challenge: ChallengeView,
    language: str,
    mean_similarity: float,
    effects: Mapping[str, np.ndarray],
    went: Mapping[str, list[int]],
    niche: str,
) -> dict[str, list[str]]:
    """Per factor (but skills and training), every candidate's reason; ``x`` holds the
    candidates' features, one row each, and ``went`` which way each effect went. A
    factor's words depend on a few of the candidate's values, and most candidates share
    them: each distinct set is worded once."""
    col = {name: x[:, F[name]].tolist() for name in READ}
    named = ("niche", niche)
    words = WORDS[language]
    minimum = challenge.min_spanish
    schedule = ("schedule", words[SCHEDULES[challenge.schedule]])
    well = {f: (effects[f] >= 0).tolist() for f in ("commute", "background", "history", "company")}
    none = [joined == 0 for joined in col["company_joined"]]
    induction = x[:, F["induction"]]
    engagement = np.select(
        [induction == INDUCTION_UNKNOWN, induction > INDUCTION_UNKNOWN],
        ["induction_unknown", "induction_yes"],
        "induction_no",
    ).tolist()

    def experience(years: float, from_text: bool, anywhere: float, evidence: float) -> Phrasing:
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

    def spanish(level: float) -> Phrasing:
        level = int(level)
        key = (
            "language_low"
            if level < minimum
            else "language_above"
            if level > minimum
            else "language_ok"
        )
        return key, (named, ("level", CEFR_LEVELS[level]), ("minimum", CEFR_LEVELS[minimum]))

    def fits(fit: float, available: int) -> Phrasing:
        availability = ("availability", words[AVAILABILITY[available]])
        return ("schedule_ok" if fit else "schedule_no"), (named, availability, schedule)

    def preference(pref: float, from_text: bool) -> Phrasing:
        if pref > 0:
            key = "preference_text" if from_text else "preference"
            return key, (named, ("rank", preference_rank(pref)))
        return "no_preference", (named,)

    def commute(over: float, went_well: bool, minutes: float, limit: int) -> Phrasing:
        key = "commute_far" if over > 0 else "commute_short" if went_well else "commute_long"
        return key, (named, ("minutes", int(minutes)), ("limit", limit))

    def background(went_well: bool, education: int, months: int) -> Phrasing:
        shown = (named, ("education", words[EDUCATION[education]]), ("months", months))
        return ("background_up" if went_well else "background_down"), shown

    def plain(key: str) -> Phrasing:
        return key, (named,)

    def either(up: str, down: str, nothing: str) -> Callable[..., Phrasing]:
        """A phrasing by the effect's sign, or ``nothing`` without a company history."""
        return lambda no_history, went_well: plain(
            nothing if no_history else up if went_well else down
        )

    chosen_by = {
        "experience": (
            experience,
            facts.years_here,
            facts.years_from_text,
            facts.years_anywhere,
            col["text_evidence"],
        ),
        "language": (spanish, col["spanish_level"]),
        "schedule": (fits, col["schedule_fit"], facts.availability),
        "preference": (preference, col["niche_preference"], facts.prefs_from_text),
        "similarity": (
            lambda high: plain("similarity_high" if high else "similarity_low"),
            (x[:, F["similarity"]] >= mean_similarity).tolist(),
        ),
        "readiness": (
            lambda without: plain("no_device" if without else "ready"),
            col["remote_without_device"],
        ),
        "engagement": (plain, engagement),
        "commute": (
            commute,
            col["commute_over_limit"],
            well["commute"],
            col["commute_minutes"],
            facts.max_commute,
        ),
        "background": (background, well["background"], facts.education, facts.months_unemployed),
        "history": (
            either("history_like", "history_unlike", "history_none"),
            none,
            well["history"],
        ),
        "company": (either("company_up", "company_down", "company_none"), none, well["company"]),
    }
    return {
        factor: _worded(choose, columns, went[factor], language)
        for factor, (choose, *columns) in chosen_by.items()
    }


def _worded(
    choose: Callable[..., Phrasing], columns: list[list], went: list[int], language: str
) -> list[str]:
    """Each candidate's words for one factor: ``choose`` picks the phrasing from the
    candidate's values in ``columns``, once per distinct values and direction."""
    seen: dict[tuple, str] = {}
    out = []
    for values in zip(*columns, went, strict=True):
        text = seen.get(values)
        if text is None:
            key, quoted = choose(*values[:-1])
            text = seen[values] = phrased(key, language, values[-1], "", quoted)
        out.append(text)
    return out
