"""Synthetic MILMA-like programmes: participants, companies, challenges and outcomes.

Real programme records are private, so the project generates realistic ones. The
participants (:mod:`training_data.cohort`) have true abilities and a visible record
written from them with omissions and noise; the companies
(:mod:`training_data.companies`) have hidden ways that persist across editions.
Outcomes of a (participant, challenge) pair come from a hidden compatibility model
(:mod:`training_data.outcome_model`) in three stages: the participant accepts the
offer, completes the training, is hired. The generator also writes, apart, the ground
truth for every pair of an edition and how its variance splits
(:mod:`training_data.variance`); only the evaluation reads them.

Everything is vectorised per edition so that a million participants stay fast; all
randomness comes from generators seeded by ``GeneratorConfig.seed``.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from matching.domain import geography
from matching.domain.catalogue import NICHE_CODES, Catalogue, load_catalogue
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, EDUCATION
from training_data import companies as company_tables
from training_data.cohort import (
    background,
    draw_people,
    experience_lists,
    preference_lists,
    write_profiles,
)
from training_data.config import Draws, GeneratorConfig, Programme, split_evenly
from training_data.observed_history import ground_truth, simulate_history
from training_data.outcome_model import OutcomeModel
from training_data.people import MOTHER_TONGUE, ORIGIN_GROUPS
from training_data.phrasing import pick
from training_data.skill_pools import SkillPools
from training_data.variance import decompose

CONSENT_VERSION = "2018-consent-v1"
NOTES = (
    "",
    "",
    "",
    "Necesita apoyo con el cuidado de sus hijos.",
    "Derivación de CESAL.",
    "Derivación del Centro Cultural Islámico.",
    "Se le presta un portátil.",
    "Dificultades de vivienda.",
)


def _seats(draws: Draws, editions: pd.DataFrame, p: dict, available: np.ndarray) -> list:
    per_edition = split_evenly(draws.config.challenges, draws.config.editions)
    seats = []
    for position, edition in enumerate(editions["edition_id"]):
        members = (p["edition"] == edition) & available
        seats.append(
            company_tables.team_seats(
                int(members.sum()),
                int((members & p["migrant"]).sum()),
                int(per_edition[position]),
                draws.rng,
            )
        )
    return seats


def _sensitive(draws: Draws, p: dict, editions: pd.DataFrame) -> pd.DataFrame:
    """Sensitive attributes, kept apart from everything the engine reads."""
    rng, n = draws.rng, len(p["edition"])
    gender = rng.choice(np.array(["F", "M", "X"], dtype=object), n, p=[0.52, 0.47, 0.01])
    start_year = pd.DatetimeIndex(editions["start_date"]).year.to_numpy()
    edition_year = start_year[p["edition"] - 1]
    birth_year = edition_year - np.clip(np.round(rng.gamma(4.0, 7.0, n) + 17), 18, 64).astype(int)
    nationality = np.array(
        [
            ORIGIN_GROUPS[g]["nationalities"][int(u * len(ORIGIN_GROUPS[g]["nationalities"]))]
            for g, u in zip(p["origin"], rng.random(n), strict=True)
        ],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "participant_id": np.arange(1, n + 1, dtype=np.int64),
            "migrant": p["migrant"],
            "origin_group": p["origin"],
            "nationality": nationality,
            "gender": gender,
            "birth_year": birth_year.astype(np.int64),
        }
    )


def _participants(draws: Draws, p: dict, available: np.ndarray) -> pd.DataFrame:
    """The participants table: the visible record of every person."""
    rng, rnd, n = draws.rng, draws.rnd, len(p["edition"])
    first = [pick(rnd, ORIGIN_GROUPS[g]["first"]) for g in p["origin"]]
    last = [pick(rnd, ORIGIN_GROUPS[g]["last"]) for g in p["origin"]]
    experience = experience_lists(p["years"])
    preferences = preference_lists(p["pref_weight"])
    profiles = write_profiles(draws, p, experience, preferences)
    other_languages = [
        [f"{MOTHER_TONGUE[g]}:C2"] if g in MOTHER_TONGUE else [] for g in p["origin"]
    ]
    english = rng.choice(["", "en:A2", "en:B1", "en:B2"], n, p=[0.45, 0.25, 0.2, 0.1])
    for langs, eng in zip(other_languages, english, strict=True):
        if eng:
            langs.append(str(eng))
    pids = np.arange(1, n + 1, dtype=np.int64)
    return pd.DataFrame(
        {
            "participant_id": pids,
            "edition_id": p["edition"].astype(np.int64),
            "display_name": [f"{a} {b}" for a, b in zip(first, last, strict=True)],
            "email": [f"p{i}@example.org" for i in pids],
            "phone": [f"+34 6{(i * 7919) % 100000000:08d}" for i in pids],
            "profile_text": profiles["profile_text"],
            "text_language": profiles["text_language"],
            "skills": profiles["skills"],
            "skills_text": profiles["skills_text"],
            "spanish_level": np.array(CEFR_LEVELS, dtype=object)[p["said_spanish"]],
            "other_languages": other_languages,
            "education": np.array(EDUCATION, dtype=object)[p["education"]],
            "experience_niches": [
                [NICHE_CODES[c] for c, _ in exp] + (["other"] if out > 0 else [])
                for exp, out in zip(experience, p["outside_years"], strict=True)
            ],
            "experience_years": [
                [y for _, y in exp] + ([float(out)] if out > 0 else [])
                for exp, out in zip(experience, p["outside_years"], strict=True)
            ],
            "availability": np.array(AVAILABILITY, dtype=object)[p["availability"]],
            "district": np.array(geography.PLACE_NAMES, dtype=object)[p["home"]],
            "max_commute_minutes": p["max_commute"].astype(np.int64),
            "niche_preferences": [[NICHE_CODES[c] for c in prefs] for prefs in preferences],
            "months_unemployed": p["months_unemployed"].astype(np.int64),
            "digital_access": p["digital_access"],
            "driving_licence": rng.random(n) < np.where(p["migrant"], 0.3, 0.5),
            "induction": np.where(p["induction"], "attended", "missed").astype(object),
            "available": available,
            "consent_share": rng.random(n) < 0.88,
            "consent_version": CONSENT_VERSION,
            "notes": rng.choice(np.array(NOTES, dtype=object), n),
        }
    )


def generate(
    config: GeneratorConfig | None = None, catalogue: Catalogue | None = None
) -> Programme:
    """Generate a whole programme deterministically from ``config.seed``."""
    cfg = config or GeneratorConfig()
    catalogue = catalogue or load_catalogue()
    draws = Draws(
        cfg,
        catalogue,
        SkillPools(catalogue),
        np.random.default_rng(cfg.seed),
        random.Random(cfg.seed),
    )
    rng = draws.rng
    editions = company_tables.editions_table(draws)
    p = draw_people(draws, editions)
    available = rng.random(cfg.participants) >= 0.03
    seats = _seats(draws, editions, p, available)
    company_niche = company_tables.company_niches(draws)
    companies = company_tables.companies_table(draws, company_niche)
    challenges = company_tables.challenges_table(draws, editions, seats, companies, company_niche)
    ways = company_tables.company_ways(draws, len(challenges))
    sensitive = _sensitive(draws, p, editions)
    participants = _participants(draws, p, available)
    model = OutcomeModel(
        p, challenges, catalogue, ways, background(p), cfg.hidden, cfg.seed, cfg.hiring_bias
    )
    outcomes, intercepts = simulate_history(
        model, challenges, editions, cfg.completion_rate, cfg.placement_rate, rng
    )
    truth = report = None
    if cfg.truth:
        truth = ground_truth(model, challenges, intercepts)
        report = decompose(model, truth, intercepts, cfg.seed)
    return Programme(
        editions,
        companies,
        challenges,
        participants,
        sensitive,
        outcomes,
        truth,
        cfg,
        report,
    )
