"""The programme's tables as files: columns, kinds, and the graded relevance rule.

A programme is a folder of Parquet files (one per table) plus ``manifest.json``. The
generator writes it, the service imports it into its database, the evaluation reads
it. Ground truth lives in ``truth/`` next to it and is read only by the evaluation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AVAILABILITY: tuple[str, ...] = ("morning", "afternoon", "full_day", "flexible")
SCHEDULES: tuple[str, ...] = ("morning", "afternoon", "full_day")
# SCHEDULE_FIT[availability, schedule]: can a person with that availability attend?
SCHEDULE_FIT = np.array(
    [
        [1.0, 0.0, 0.0],  # morning
        [0.0, 1.0, 0.0],  # afternoon
        [1.0, 1.0, 1.0],  # full_day
        [1.0, 1.0, 1.0],  # flexible
    ]
)
EDUCATION: tuple[str, ...] = ("none", "primary", "secondary", "vocational", "university")

# column -> kind; kinds: int, float, str, bool, datetime, list[str], list[float]
TABLES: dict[str, dict[str, str]] = {
    "editions": {
        "edition_id": "int",
        "name": "str",
        "start_date": "datetime",
        "end_date": "datetime",
        "remote": "bool",
    },
    "companies": {"company_id": "int", "name": "str", "size": "str", "sector": "str"},
    "challenges": {
        "challenge_id": "int",
        "edition_id": "int",
        "company_id": "int",
        "niche": "str",
        "title": "str",
        "description": "str",
        "essential_skills": "list[str]",
        "optional_skills": "list[str]",
        "taught_skills": "list[str]",
        "min_spanish": "str",
        "seats": "int",
        "schedule": "str",
        "location": "str",
        "remote": "bool",
    },
    "participants": {
        "participant_id": "int",
        "edition_id": "int",
        "display_name": "str",
        "email": "str",
        "phone": "str",
        "profile_text": "str",
        "text_language": "str",
        "skills": "list[str]",
        "skills_text": "list[str]",
        "spanish_level": "str",
        "other_languages": "list[str]",
        "education": "str",
        "experience_niches": "list[str]",
        "experience_years": "list[float]",
        "availability": "str",
        "district": "str",
        "max_commute_minutes": "int",
        "niche_preferences": "list[str]",
        "months_unemployed": "int",
        "digital_access": "bool",
        "driving_licence": "bool",
        "available": "bool",
        "consent_share": "bool",
        "consent_version": "str",
        "notes": "str",
    },
    "sensitive": {
        "participant_id": "int",
        "migrant": "bool",
        "origin_group": "str",
        "nationality": "str",
        "gender": "str",
        "birth_year": "int",
    },
    "outcomes": {
        "participant_id": "int",
        "challenge_id": "int",
        "event": "str",
        "at": "datetime",
        "reason": "str",
        "rating": "float",
    },
}

TRUTH_TABLE: dict[str, str] = {
    "edition_id": "int",
    "participant_id": "int",
    "challenge_id": "int",
    "p_accept": "float",
    "p_complete": "float",
    "p_hire": "float",
    "expected_relevance": "float",
    "sampled_relevance": "int",
}

# The programme's outcome events, in the order a participant meets them.
EVENTS: tuple[str, ...] = (
    "shortlisted",
    "declined",
    "joined",
    "dropped_out",
    "completed",
    "interviewed",
    "hired",
    "rejected",
)

# Graded relevance of a (participant, challenge) pair: the best stage reached.
STAGE_RELEVANCE: dict[str, int] = {"joined": 1, "completed": 2, "hired": 3}


def relevance_from_events(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Graded relevance per observed pair: hired 3, completed 2, joined 1, otherwise 0.

    Returns one row per (participant_id, challenge_id) that has any event.
    """
    level = outcomes["event"].map(STAGE_RELEVANCE).fillna(0).astype(np.int8)
    frame = outcomes[["participant_id", "challenge_id"]].assign(relevance=level)
    return frame.groupby(["participant_id", "challenge_id"], as_index=False)["relevance"].max()


def check_columns(name: str, frame: pd.DataFrame, columns: dict[str, str]) -> None:
    """Raise ValueError naming the table and columns when ``frame`` lacks any."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {name!r} is missing columns: {', '.join(missing)}")
