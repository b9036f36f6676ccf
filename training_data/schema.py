"""The programme's tables as files: columns and their kinds.

A programme is a folder of Parquet files (one per table) plus ``manifest.json``. The
generator writes it, the service imports it into its database, the evaluation reads
it. Ground truth lives in ``truth/`` next to it and is read only by the evaluation.
The vocabularies the columns take their values from are the engine's
(:mod:`matching.domain.vocabulary`).
"""

from __future__ import annotations

import pandas as pd

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
        "induction": "str",
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
    "merit": "float",
    "company_complete": "float",
    "company_hire": "float",
    "sampled_relevance": "int",
}


def check_columns(name: str, frame: pd.DataFrame, columns: dict[str, str]) -> None:
    """Raise ValueError naming the table and columns when ``frame`` lacks any."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {name!r} is missing columns: {', '.join(missing)}")
