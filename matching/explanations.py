"""Reasons for each recommendation, in words a caseworker can check.

A factor's effect is measured, not guessed: the candidate's features for that factor
are set to a *reference* and the score is recomputed; the difference is how much the
factor raised (+) or lowered (-) the candidate. The reference is the factor's neutral
value where it has one (no skill, no experience, no preference, exactly the Spanish
asked for, fitting the schedule, no barrier, attendance unknown, no company history),
so an effect is what the candidate's actual value adds or costs against not having it;
where there is none (similarity, commute time, background), it is the candidates'
average. The training factor is the cost of the skills the challenge's training
teaches: the real score minus the score as if they were already learnt. All candidates
and factors go through the scorer in one batch. The words are chosen by
:mod:`matching.reason_choices` from :mod:`matching.reason_texts`, and always agree with
the sign of the effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from matching.challenge_view import ChallengeView
from matching.domain.catalogue import Catalogue
from matching.domain.results import SkillRef
from matching.features import FEATURES
from matching.history import HEADLINE_RATES
from matching.pool import INDUCTION_UNKNOWN, ParticipantPool
from matching.reason_choices import Facts, factor_texts
from matching.reason_texts import IMPLIED, NEGLIGIBLE, phrased, worded
from matching.scoring import Scorer, expected_stages

F = {name: i for i, name in enumerate(FEATURES)}
AVERAGE = None  # a factor's reference: the candidates' average

# factor -> {feature: neutral value, or AVERAGE}; "skills" and "language" depend on the
# challenge and are filled in by _reference
FACTORS: dict[str, dict[str, float | None]] = {
    "skills": {
        "essential_coverage": 0.0,
        "essential_gap_taught": 0.0,
        "essential_gap_untaught": 0.0,
        "optional_coverage": 0.0,
        "skills_known": 0.0,
    },
    "experience": {"niche_experience": 0.0, "total_experience": 0.0, "text_evidence": 0.0},
    "language": {"spanish_level": 0.0, "spanish_gap": 0.0},
    "commute": {"commute_minutes": AVERAGE, "commute_over_limit": 0.0},
    "schedule": {"schedule_fit": 1.0},
    "preference": {"niche_preference": 0.0},
    "similarity": {"similarity": AVERAGE},
    "readiness": {"remote_without_device": 0.0},
    "background": {"months_unemployed": AVERAGE, "education_level": AVERAGE},
    "engagement": {"induction": INDUCTION_UNKNOWN},
    "company": {
        "company_joined": 0.0,
        "company_join_rate": HEADLINE_RATES[0],
        "company_complete_rate": HEADLINE_RATES[1],
        "company_hire_rate": HEADLINE_RATES[2],
    },
    "history": {"company_taste_match": 0.0, "company_mentor_match": 0.0},
}
# every reason a candidate is given, in the order reasons of equal effect are listed
REASONS = (
    "skills",
    "training",
    "experience",
    "language",
    "schedule",
    "preference",
    "similarity",
    "readiness",
    "engagement",
    "commute",
    "background",
    "history",
    "company",
)


class ReasonFields(TypedDict):
    """A :class:`~matching.domain.results.Reason`'s fields. The answer that shows a
    reason (a candidate, a placement, a team member) checks them as it is made, all at
    once: making each reason a model first cost more than the rest of its wording."""

    factor: str
    effect: float
    text: str


@dataclass(frozen=True)
class Explanation:
    matched: list[SkillRef]
    missing_taught: list[SkillRef]
    missing_untaught: list[SkillRef]
    reasons: list[ReasonFields]  # strongest effect first


# every (factor, feature column) pair: the variant that sets it, the column, its neutral
# value, and whether it is set to the candidates' average instead
_PAIRS = [
    (g + 1, F[c], v) for g, columns in enumerate(FACTORS.values()) for c, v in columns.items()
]
_VARIANT = np.array([g for g, _, _ in _PAIRS])
_COLUMN = np.array([c for _, c, _ in _PAIRS])
_AVERAGED = np.array([v is AVERAGE for _, _, v in _PAIRS])
_NEUTRAL = np.array([0.0 if v is AVERAGE else v for _, _, v in _PAIRS])
# the pairs whose neutral value depends on the challenge
_OF_CHALLENGE = {
    c: _COLUMN.tolist().index(F[c])
    for c in (
        "essential_coverage",
        "essential_gap_taught",
        "essential_gap_untaught",
        "spanish_level",
    )
}


def _reference(features: np.ndarray, challenge: ChallengeView) -> np.ndarray:
    """The value each (factor, feature column) pair of :data:`_PAIRS` is set to."""
    values = _NEUTRAL.copy()
    if len(features):
        values[_AVERAGED] = features[:, _COLUMN[_AVERAGED]].mean(axis=0)
    n_essential = len(challenge.essential)
    taught = len(np.intersect1d(challenge.essential, challenge.taught)) / max(1, n_essential)
    neutral = {
        # holding no skill: every essential one missing, split as the training teaches
        "essential_coverage": 0.0 if n_essential else 1.0,
        "essential_gap_taught": taught if n_essential else 0.0,
        "essential_gap_untaught": (1.0 - taught) if n_essential else 0.0,
        # exactly the Spanish the challenge asks for
        "spanish_level": float(challenge.min_spanish),
    }
    for column, value in neutral.items():
        values[_OF_CHALLENGE[column]] = value
    return values


def factor_effects(
    scorer: Scorer, blocks: list[tuple[np.ndarray, np.ndarray, ChallengeView]]
) -> list[dict[str, np.ndarray]]:
    """Effect of each factor on the expected stages, for several (features, chosen,
    challenge) blocks at once: every variant of every block goes through the scorer in
    a single call."""
    stacked, sizes = [], []
    for features, chosen, challenge in blocks:
        # the candidates as they are, once per factor with its columns at the reference,
        # and as if the taught skills were already there
        variants = np.repeat(features[chosen][None], len(FACTORS) + 2, axis=0)
        variants[_VARIANT, :, _COLUMN] = _reference(features, challenge)[:, None]
        learnt = variants[-1]
        learnt[:, F["essential_coverage"]] += learnt[:, F["essential_gap_taught"]]
        learnt[:, F["essential_gap_taught"]] = 0.0
        stacked.append(variants.reshape(-1, len(FEATURES)))
        sizes.append(len(chosen))
    if not stacked:
        return []
    scores = expected_stages(scorer.stages(np.vstack(stacked)))
    out, offset = [], 0
    for n in sizes:
        block = scores[offset : offset + n * (len(FACTORS) + 2)].reshape(len(FACTORS) + 2, n)
        own = block[0]
        effects = {name: own - block[g + 1] for g, name in enumerate(FACTORS)}
        effects["training"] = own - block[-1]
        out.append(effects)
        offset += n * (len(FACTORS) + 2)
    return out


def explain(
    scorer: Scorer,
    features: np.ndarray,
    chosen: np.ndarray,
    rows: np.ndarray,
    pool: ParticipantPool,
    challenge: ChallengeView,
    catalogue: Catalogue,
    language: str = "en",
    effects: dict[str, np.ndarray] | None = None,
) -> list[Explanation]:
    """Skill lists and reasons for candidates ``chosen`` (positions into ``features``);
    ``effects`` may come from a batched :func:`factor_effects` call.

    What does not depend on the words (each effect's direction, the reasons' order, the
    skill marks) is worked out for all candidates at once; a long list spent more on
    those steps, one candidate and factor at a time, than on scoring."""
    if effects is None:
        effects = factor_effects(scorer, [(features, chosen, challenge)])[0]
    niche = catalogue.niches[challenge.niche].name[language]
    taught = set(challenge.taught.tolist())
    essential = challenge.essential.tolist()
    optional = challenge.optional.tolist()
    mean_similarity = float(features[:, F["similarity"]].mean()) if len(features) else 0.0
    matrix = np.column_stack([effects[f] for f in REASONS])
    shown_rows = np.round(matrix, 4).tolist()
    # which way each effect went (reason_texts.direction, for all at once)
    went = (matrix > NEGLIGIBLE).astype(np.int8) - (matrix < -NEGLIGIBLE)
    # strongest first; among equal effects, in the order of REASONS
    order_rows = np.argsort(-np.abs(matrix), axis=1, kind="stable").tolist()
    facts = Facts.of(pool, rows[chosen], challenge.niche)
    # every factor's text but the skills' and training's, a factor at a time
    by_factor = factor_texts(
        features[chosen],
        facts,
        challenge,
        language,
        mean_similarity,
        effects,
        dict(zip(REASONS, went.T.tolist(), strict=True)),
        niche,
    )
    worded_factors = [by_factor[f] for f in REASONS[2:]]
    went_rows = went[:, :2].tolist()

    # the challenge's skills as answers name them, looked up once per shortlist
    label = {s: catalogue.label_at(s, language) for s in essential}
    unmarked = {s: catalogue.skill_ref(s, language) for s in essential}

    def marked_refs(skills: list[int], implied: set[int], read: set[int]) -> list[SkillRef]:
        return [catalogue.skill_ref(s, language, s in implied, s in read) for s in skills]

    out = []
    marks = pool.marked_skills(rows[chosen])
    for pos, ((skills, implied, read), other_texts) in enumerate(
        zip(marks, zip(*worded_factors, strict=True), strict=True)
    ):
        went_skills, went_training = went_rows[pos]
        own = set(skills)
        matched = [s for s in essential if s in own]
        matched_optional = [s for s in optional if s in own]
        missing = [s for s in essential if s not in own]
        gap_taught = [s for s in missing if s in taught]
        gap_open = [s for s in missing if s not in taught]
        shown_implied = len(implied.intersection(matched))
        skills_key = (
            "skills"
            if matched
            else "skills_unlisted"
            if not essential
            else "skills_none_others"
            if went_skills > 0
            else "skills_none"
        )
        texts = (
            phrased(
                skills_key,
                language,
                went_skills,
                worded(IMPLIED[language], language, count=shown_implied) if shown_implied else "",
                (
                    ("have", len(matched)),
                    ("total", len(essential)),
                    ("names", ", ".join([label[s] for s in matched[:4]])),
                ),
            ),
            phrased(
                "training" if gap_taught else "no_training_gap",
                language,
                went_training,
                "",
                (("count", len(gap_taught)), ("names", ", ".join([label[s] for s in gap_taught]))),
            ),
            *other_texts,
        )
        shown = shown_rows[pos]
        reasons = [
            {"factor": REASONS[j], "effect": shown[j], "text": texts[j]} for j in order_rows[pos]
        ]
        out.append(
            Explanation(
                marked_refs(matched + matched_optional, implied, read),
                [unmarked[s] for s in gap_taught],
                [unmarked[s] for s in gap_open],
                reasons,
            )
        )
    return out
