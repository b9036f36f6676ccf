"""Editions, companies and their Business Challenges, with the companies' hidden ways.

Companies co-manage challenges edition after edition, and each keeps its ways across
them, which only the outcomes reveal: which backgrounds it actually hires (a taste over
education, experience, Spanish, time out of work and digital access, beyond what a
challenge's skill list says), how much weight it puts on skills and on experience, and
how well its mentors carry a team through the training. A challenge adds difficulty of
its own. None of this is in any table the engine reads.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from matching.domain.catalogue import NICHE_CODES
from matching.domain.vocabulary import CEFR_LEVELS, SCHEDULES
from training_data import phrasing, places
from training_data.config import Draws, split_evenly
from training_data.outcome_model import CompanyWays

N_NICHES = len(NICHE_CODES)
# Niches named in the programme's sources get more companies, so more challenges.
NICHE_DEMAND = np.array([3, 3, 3, 3, 2, 2, 2, 3, 2, 1, 2, 1, 2], dtype=float)
# Minimum Spanish level a niche usually asks for (index into CEFR_LEVELS).
NICHE_MIN_SPANISH = np.array([1, 1, 2, 3, 1, 1, 2, 1, 2, 2, 1, 2, 3])
# What a company's background taste is over (see BACKGROUND in cohort.py).
BACKGROUND_SIZE = 5

NAME_STEMS = {
    "gardening": ("Jardines del Sur", "Verde Fuenla", "Parques y Riegos"),
    "installation": ("Instalaciones Loranca", "Solar Sur", "Clima Madrid Sur"),
    "hospital_orderly": ("Servicios Sanitarios Sur", "Apoyo Hospitalario"),
    "hotel_reception": ("Hostal Plaza", "Hotel Getafe Centro", "Alojamientos Sol"),
    "cleaning": ("Limpiezas Brillo", "Multiservicios Fuenla"),
    "hospitality": ("Catering La Fuente", "Restaurante El Naranjo", "Cocinas Unidas"),
    "retail": ("Supermercados Vecinos", "Tiendas La Avanzada"),
    "logistics": ("Logística Cobo Calleja", "Almacenes Cantueña", "Transportes Sur"),
    "elderly_care": ("Cuidados en Casa", "Residencia Los Olivos"),
    "ict_support": ("Soporte TIC Sur", "Reparaciones Informáticas Fuenla"),
    "construction": ("Reformas Molino", "Construcciones Humanes"),
    "beauty": ("Peluquería Estilo", "Estética Nuria"),
    "administration": ("Gestoría Centro", "Servicios Administrativos Sur"),
}
NAME_SUFFIXES = ("S.L.", "S.L.L.", "S.Coop.", "S.L.")


def editions_table(draws: Draws) -> pd.DataFrame:
    n, start = draws.config.editions, draws.config.start
    starts = [start + timedelta(days=270 * e) for e in range(n)]
    covid = (date(2020, 3, 1), date(2021, 12, 31))
    return pd.DataFrame(
        {
            "edition_id": np.arange(1, n + 1, dtype=np.int64),
            "name": [f"BC Lab {e + 1}" for e in range(n)],
            "start_date": pd.to_datetime(starts),
            "end_date": pd.to_datetime([s + timedelta(days=182) for s in starts]),
            "remote": [covid[0] <= s <= covid[1] for s in starts],
        }
    )


def company_niches(draws: Draws) -> np.ndarray:
    """Each company's sector: every niche has one, the rest follow demand."""
    rng, n = draws.rng, draws.config.company_count
    demand = NICHE_DEMAND / NICHE_DEMAND.sum()
    if n < N_NICHES:
        return rng.choice(N_NICHES, n)
    return np.concatenate([np.arange(N_NICHES), rng.choice(N_NICHES, n - N_NICHES, p=demand)])


def company_ways(draws: Draws, challenges: int) -> CompanyWays:
    rng, hidden, n = draws.rng, draws.config.hidden, draws.config.company_count
    # the tastes no feature represents come from a stream of their own, so a world
    # without them (the default) is the same programme it always was
    apart = np.random.default_rng([draws.config.seed, 35])
    pairs = BACKGROUND_SIZE * (BACKGROUND_SIZE - 1) // 2
    return CompanyWays(
        skill_weight=rng.uniform(0.7, 1.3, n),
        experience_weight=rng.uniform(0.5, 1.5, n),
        background_taste=rng.normal(0.0, hidden.background_taste_sd, (n, BACKGROUND_SIZE)),
        mentor_fit=rng.normal(0.0, hidden.mentor_fit_sd, (n, BACKGROUND_SIZE)),
        mentoring=rng.normal(0.0, hidden.mentoring_sd, n),
        difficulty=rng.normal(0.0, hidden.difficulty_sd, challenges),
        interaction_taste=apart.normal(0.0, hidden.taste_interaction_sd, (n, pairs)),
        hardship_taste=apart.normal(0.0, hidden.taste_hardship_sd, n),
    )


def companies_table(draws: Draws, niche_of: np.ndarray) -> pd.DataFrame:
    rnd, rng = draws.rnd, draws.rng
    names, used = [], set()
    for i, n in enumerate(niche_of):
        base = rnd.choice(NAME_STEMS[NICHE_CODES[n]])
        name = f"{base} {rnd.choice(NAME_SUFFIXES)}"
        if name in used:
            name = f"{base} {i + 1} {rnd.choice(NAME_SUFFIXES)}"
        used.add(name)
        names.append(name)
    return pd.DataFrame(
        {
            "company_id": np.arange(1, len(niche_of) + 1, dtype=np.int64),
            "name": names,
            "size": rng.choice(["micro", "small", "medium"], len(niche_of), p=[0.4, 0.45, 0.15]),
            "sector": [NICHE_CODES[n] for n in niche_of],
        }
    )


def co_managers(draws: Draws, company_niche: np.ndarray) -> np.ndarray:
    """The company (row) co-managing each challenge, in edition order.

    Companies take turns in a fresh random order each round, so an edition with as many
    challenges as there are companies has each of them once (MILMA's seven
    co-management agreements gave its 28 challenges over four editions), and every
    niche is there whenever every company is. A challenge is in its company's sector.
    """
    rng, total, n = draws.rng, draws.config.challenges, len(company_niche)
    rounds = [rng.permutation(n) for _ in range(math.ceil(total / n))]
    return np.concatenate(rounds)[:total]


def challenges_table(
    draws: Draws,
    editions: pd.DataFrame,
    seats_per_edition: list[np.ndarray],
    companies: pd.DataFrame,
    company_niche: np.ndarray,
) -> pd.DataFrame:
    """Every edition's challenges: company (see :func:`co_managers`), niche (its
    sector), skills asked, taught, Spanish needed, schedule, place."""
    rng, rnd, sk, cat = draws.rng, draws.rnd, draws.skills, draws.catalogue
    company_of = co_managers(draws, company_niche)
    niche = company_niche[company_of]
    per_edition = split_evenly(draws.config.challenges, draws.config.editions)
    edition_of = np.repeat(editions["edition_id"].to_numpy(), per_edition)
    remote_of = np.repeat(editions["remote"].to_numpy(), per_edition)
    seats = np.concatenate(seats_per_edition)
    rows = []
    for j in range(len(niche)):
        code = NICHE_CODES[niche[j]]
        core = sk.core[niche[j]]
        essential = rng.choice(core, size=min(int(rng.integers(5, 8)), len(core)), replace=False)
        optional = rng.choice(
            sk.pool[niche[j]], size=int(rng.integers(3, 6)), replace=False, p=sk.pool_p[niche[j]]
        )
        optional = np.setdiff1d(
            np.concatenate([optional, rng.choice(sk.transversal, 1)]), essential
        )
        taught = np.concatenate(
            [
                essential[rng.random(len(essential)) < 0.5],
                optional[rng.random(len(optional)) < 0.35],
            ]
        )
        workplaces = places.NICHE_WORKPLACES[code]
        weights = np.array(list(workplaces.values()), dtype=float)
        location = list(workplaces)[rng.choice(len(workplaces), p=weights / weights.sum())]
        schedule = SCHEDULES[rng.choice(3, p=[0.45, 0.2, 0.35])]
        min_spanish = CEFR_LEVELS[
            int(np.clip(NICHE_MIN_SPANISH[niche[j]] + rng.choice([-1, 0, 0, 1]), 0, 4))
        ]
        title = rnd.choice(phrasing.CHALLENGE_TITLES[code])
        rows.append(
            {
                "challenge_id": j + 1,
                "edition_id": int(edition_of[j]),
                "company_id": int(company_of[j] + 1),
                "niche": code,
                "title": title,
                "description": phrasing.challenge_text(
                    rnd,
                    companies["name"].iloc[company_of[j]],
                    cat.niches[niche[j]].name["es"],
                    title,
                    [cat.label_at(i, "es") for i in essential],
                    [cat.label_at(i, "es") for i in optional],
                    [cat.label_at(i, "es") for i in taught],
                    min_spanish,
                    schedule,
                    location,
                    bool(remote_of[j]),
                ),
                "essential_skills": [sk.uri[i] for i in essential],
                "optional_skills": [sk.uri[i] for i in optional],
                "taught_skills": [sk.uri[i] for i in taught],
                "min_spanish": min_spanish,
                "seats": int(seats[j]),
                "schedule": schedule,
                "location": location,
                "remote": bool(remote_of[j]),
            }
        )
    return pd.DataFrame(rows)


def team_seats(n_available: int, n_migrants: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Team sizes for one edition that a plan with >= 30 % migrants can fill."""
    base = max(2, n_available // m)
    seats = base - rng.choice([0, 0, 0, 1, 2], m)
    seats = np.maximum(seats, 2)
    while np.ceil(0.3 * seats).sum() > n_migrants and seats.max() > 2:
        seats[np.argmax(seats)] -= 1
    return seats
