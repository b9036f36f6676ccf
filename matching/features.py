"""Pairwise features of (participant, challenge), computed for many candidates at once.

Only what a caseworker can see goes in: the profile (skills, experience, self-reported
Spanish, commute, availability, preferences, the induction session), the challenge,
and its company's record from earlier editions (:mod:`matching.history`). Never the generator's
hidden truth, never a sensitive attribute: :data:`FEATURE_INPUTS` lists the pool
columns this module reads, and the tests check that flipping any sensitive attribute
leaves every feature unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.challenge_view import ChallengeView
from matching.domain import geography
from matching.domain.vocabulary import SCHEDULE_FIT
from matching.history import CompanyRecord, backgrounds
from matching.pool import N_NICHES, ParticipantPool

FEATURES: tuple[str, ...] = (
    "similarity",
    "essential_coverage",
    "essential_gap_taught",
    "essential_gap_untaught",
    "optional_coverage",
    "niche_experience",
    "total_experience",
    "spanish_level",
    "spanish_gap",
    "commute_minutes",
    "commute_over_limit",
    "schedule_fit",
    "niche_preference",
    "remote_without_device",
    "months_unemployed",
    "education_level",
    "skills_known",
    "text_evidence",
    "induction",
    "company_joined",
    "company_join_rate",
    "company_complete_rate",
    "company_hire_rate",
    "company_taste_match",
    "company_mentor_match",
)

# Which way each feature can move a candidate's chances, where the domain says so: the
# learned ranker is held to it (see models.ranker), so explanations never read backwards.
FEATURE_DIRECTIONS: dict[str, int] = {
    "similarity": 1,
    "essential_coverage": 1,
    "essential_gap_taught": -1,
    "essential_gap_untaught": -1,
    "optional_coverage": 1,
    "skills_known": 1,
    "niche_experience": 1,
    "total_experience": 1,
    "spanish_level": 1,
    "spanish_gap": -1,
    "commute_minutes": -1,
    "commute_over_limit": -1,
    "schedule_fit": 1,
    "niche_preference": 1,
    "remote_without_device": -1,
    "text_evidence": 1,
    "induction": 1,
    "company_join_rate": 1,
    "company_complete_rate": 1,
    "company_hire_rate": 1,
    "company_taste_match": 1,
    "company_mentor_match": 1,
}

# pool columns the features read (the migrant flag is deliberately absent)
FEATURE_INPUTS: frozenset[str] = frozenset(
    {
        "spanish",
        "availability",
        "home",
        "max_commute",
        "months_unemployed",
        "digital_access",
        "education",
        "skill_start",
        "skill_len",
        "years",
        "prefs",
        "evidence",
        "induction",
    }
)


def _segment_sum(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    segment = np.repeat(np.arange(len(lengths)), lengths)
    return np.bincount(segment, weights=values, minlength=len(lengths))


def skill_counts(
    pool: ParticipantPool, rows: np.ndarray, challenge: ChallengeView, n_skills: int
) -> dict[str, np.ndarray]:
    """How many essential / taught-essential / optional skills each candidate has."""
    flat, offsets = pool.skills_of(rows)
    lengths = np.diff(offsets)

    def count(skills: np.ndarray) -> np.ndarray:
        mask = np.zeros(n_skills, dtype=np.float64)
        mask[skills] = 1.0
        return _segment_sum(mask[flat], lengths)

    taught_essential = np.intersect1d(challenge.essential, challenge.taught)
    return {
        "essential": count(challenge.essential),
        "taught_essential": count(taught_essential),
        "optional": count(challenge.optional),
        "n_taught_essential": np.full(len(rows), len(taught_essential), dtype=np.float64),
        "known": lengths.astype(np.float64),
    }


def pair_features(
    pool: ParticipantPool,
    rows: np.ndarray,
    challenge: ChallengeView,
    similarity: np.ndarray,
    n_skills: int,
    company: CompanyRecord | None = None,
) -> np.ndarray:
    """Feature matrix (len(rows) x len(FEATURES)) for candidates of one challenge;
    ``company`` is its company's record from earlier editions."""
    company = company or CompanyRecord()
    n_ess = max(1, len(challenge.essential))
    n_opt = max(1, len(challenge.optional))
    counts = skill_counts(pool, rows, challenge, n_skills)
    missing = n_ess - counts["essential"] if len(challenge.essential) else np.zeros(len(rows))
    missing_taught = counts["n_taught_essential"] - counts["taught_essential"]
    years = pool.years[rows]
    commute = geography.travel_matrix()[pool.cols["home"][rows], challenge.place].astype(np.float64)
    limit = pool.cols["max_commute"][rows].astype(np.float64)
    spanish = pool.cols["spanish"][rows].astype(np.float64)
    out = np.empty((len(rows), len(FEATURES)), dtype=np.float64)
    out[:, 0] = similarity
    out[:, 1] = counts["essential"] / n_ess if len(challenge.essential) else 1.0
    out[:, 2] = missing_taught / n_ess
    out[:, 3] = (missing - missing_taught) / n_ess
    out[:, 4] = counts["optional"] / n_opt if len(challenge.optional) else 0.0
    out[:, 5] = np.log1p(years[:, challenge.niche])
    out[:, 6] = np.log1p(years[:, : N_NICHES + 1].sum(1))
    out[:, 7] = spanish
    out[:, 8] = np.maximum(0.0, challenge.min_spanish - spanish)
    out[:, 9] = commute
    out[:, 10] = np.maximum(0.0, commute - limit) / 15.0
    out[:, 11] = SCHEDULE_FIT[pool.cols["availability"][rows], challenge.schedule]
    out[:, 12] = pool.prefs[rows, challenge.niche]
    out[:, 13] = challenge.remote & ~pool.cols["digital_access"][rows]
    out[:, 14] = np.log1p(pool.cols["months_unemployed"][rows])
    out[:, 15] = pool.cols["education"][rows]
    out[:, 16] = np.log1p(counts["known"])
    out[:, 17] = pool.evidence[rows, challenge.niche]
    out[:, 18] = pool.cols["induction"][rows]
    out[:, 19] = np.log1p(company.joined)
    out[:, 20] = company.join_rate
    out[:, 21] = company.complete_rate
    out[:, 22] = company.hire_rate
    background = backgrounds(pool, rows)
    out[:, 23] = company.taste_match(background)
    out[:, 24] = company.mentor_match(background)
    return out


def as_frame(matrix: np.ndarray) -> pd.DataFrame:
    """Wrap a feature matrix with its column names (what the ranker was fitted on)."""
    return pd.DataFrame(matrix, columns=list(FEATURES))
