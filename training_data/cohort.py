"""The participants of a synthetic programme: who they are, and how their profiles read.

Each participant has *true* abilities (skills, experience, Spanish, engagement,
hardship) and a *visible* record written from them with omissions and noise: a
caseworker codes about half of a person's skills, Spanish is self-reported, and the
profile text is written the way people write (see :mod:`training_data.phrasing`).
Engagement is hidden but shows early: engaged people come to the induction session.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit

from matching.domain import geography
from matching.domain.catalogue import NICHE_CODES
from matching.domain.vocabulary import AVAILABILITY
from training_data import phrasing, places
from training_data.companies import NICHE_DEMAND
from training_data.config import Draws, split_evenly
from training_data.people import FRANCOPHONE_GROUPS, MIGRANT_GROUPS, ORIGIN_GROUPS
from training_data.phrasing import AND_WORD

N_NICHES = len(NICHE_CODES)
INDUCTION_ATTENDANCE_LOGIT = 0.9  # about seven in ten come to the induction session


def background(p: dict[str, np.ndarray]) -> np.ndarray:
    """What a company's taste is over, from the visible record, each on a 0..1 scale:
    education, years of experience, Spanish, time out of work, digital access."""
    total_years = p["years"].sum(axis=1) + p["outside_years"]
    return np.column_stack(
        [
            p["education"] / 4.0,
            np.log1p(total_years) / np.log(26.0),
            p["said_spanish"] / 5.0,
            np.log1p(p["months_unemployed"]) / np.log(121.0),
            p["digital_access"].astype(np.float64),
        ]
    )


def draw_people(draws: Draws, editions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Draw every participant's true and visible attributes as arrays."""
    cfg, rng = draws.config, draws.rng
    per_edition = split_evenly(cfg.participants, cfg.editions)
    n = cfg.participants
    edition = np.repeat(editions["edition_id"].to_numpy(), per_edition)
    migrant = np.zeros(n, dtype=bool)
    offset = 0
    for size in per_edition:  # exact share per edition, so team quotas stay feasible
        k = round(cfg.migrant_share * size)
        migrant[offset + rng.choice(size, k, replace=False)] = True
        offset += size
    weights = np.array([ORIGIN_GROUPS[g]["weight_among_migrants"] for g in MIGRANT_GROUPS])
    origin = np.full(n, "spain", dtype=object)
    origin[migrant] = np.array(MIGRANT_GROUPS, dtype=object)[
        rng.choice(len(MIGRANT_GROUPS), migrant.sum(), p=weights / weights.sum())
    ]
    native = (origin == "spain") | (origin == "latin_america")
    true_spanish = np.where(native, 5, rng.choice(5, n, p=[0.12, 0.28, 0.3, 0.2, 0.1])).astype(
        np.int8
    )
    noise = rng.choice([-1, 0, 1], n, p=[0.15, 0.62, 0.23])
    said_spanish = np.where(native, 5, np.clip(true_spanish + noise, 0, 5)).astype(np.int8)

    # experience: a primary niche (or work outside the catalogue) and maybe a second
    popularity = NICHE_DEMAND / NICHE_DEMAND.sum()
    has_exp = rng.random(n) < 0.82
    outside = has_exp & (rng.random(n) < 0.1)
    primary = rng.choice(N_NICHES, n, p=popularity)
    years = np.zeros((n, N_NICHES))
    primary_years = np.round(np.clip(rng.gamma(1.6, 2.2, n), 0.3, 25), 1)
    rows_in = has_exp & ~outside
    years[np.flatnonzero(rows_in), primary[rows_in]] = primary_years[rows_in]
    second = rng.choice(N_NICHES, n, p=popularity)
    has_second = has_exp & (rng.random(n) < 0.3) & (second != primary)
    years[np.flatnonzero(has_second), second[has_second]] = np.round(
        np.clip(rng.gamma(1.2, 1.5, has_second.sum()), 0.3, 15), 1
    )
    outside_years = np.where(outside, primary_years, 0.0)

    # engagement: hidden, but it shows early: engaged people come to the induction
    engagement = rng.normal(0, 1, n)
    induction = rng.random(n) < expit(
        INDUCTION_ATTENDANCE_LOGIT + cfg.hidden.induction_engagement * engagement
    )
    hardship = rng.normal(0, 1, n) + 0.15 * migrant
    months_unemployed = np.clip(
        np.round(np.exp(2.0 + 0.5 * hardship + rng.normal(0, 0.5, n))), 1, 120
    ).astype(np.int16)
    digital_access = rng.random(n) < expit(1.4 - 0.8 * hardship)

    # preferences: usually the niche they know, plus one or two others
    pref_weight = np.zeros((n, N_NICHES))
    first_pref = np.where(
        (rng.random(n) < 0.7) & rows_in, primary, rng.choice(N_NICHES, n, p=popularity)
    )
    pref_weight[np.arange(n), first_pref] = 1.0
    for rank_weight in (0.7, 0.5):
        extra = rng.choice(N_NICHES, n, p=popularity)
        take = (rng.random(n) < 0.55) & (pref_weight[np.arange(n), extra] == 0)
        pref_weight[np.flatnonzero(take), extra[take]] = rank_weight
    availability = rng.choice(4, n, p=[0.35, 0.15, 0.3, 0.2])
    homes = list(places.HOME_WEIGHTS)
    home_w = np.array(list(places.HOME_WEIGHTS.values()))
    home = geography.place_index(
        np.array(homes, dtype=object)[rng.choice(len(homes), n, p=home_w / home_w.sum())]
    )
    max_commute = rng.choice([20, 30, 45, 60, 90], n, p=[0.15, 0.3, 0.3, 0.17, 0.08])
    education = rng.choice(5, n, p=[0.08, 0.27, 0.35, 0.2, 0.1])
    true_skills = _true_skills(draws, n, primary, years, rows_in)
    return {
        "edition": edition,
        "migrant": migrant,
        "origin": origin,
        "true_spanish": true_spanish,
        "said_spanish": said_spanish,
        "years": years,
        "outside_years": outside_years,
        "engagement": engagement,
        "induction": induction,
        "hardship": hardship,
        "months_unemployed": months_unemployed,
        "digital_access": digital_access,
        "pref_weight": pref_weight,
        "availability": availability,
        "home": home,
        "max_commute": max_commute,
        "education": education,
        "true_skills": true_skills,
        "primary": np.where(rows_in, primary, -1),
    }


def _true_skills(
    draws: Draws, n: int, primary: np.ndarray, years: np.ndarray, experienced: np.ndarray
) -> sparse.csr_matrix:
    rng, sk = draws.rng, draws.skills
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for code in range(N_NICHES):
        who = np.flatnonzero(years[:, code] > 0)
        if not len(who):
            continue
        y = years[who, code]
        core = sk.core[code]
        p_core = 0.2 + 0.6 * (1 - np.exp(-y / 2.5))
        hit = rng.random((len(who), len(core))) < p_core[:, None]
        r, c = np.nonzero(hit)
        rows.append(who[r])
        cols.append(core[c])
        k = np.minimum(rng.poisson(1.0 + y / 3.0), 8)
        picked = rng.choice(sk.pool[code], (len(who), 8), p=sk.pool_p[code])
        mask = np.arange(8)[None, :] < k[:, None]
        r, c = np.nonzero(mask)
        rows.append(who[r])
        cols.append(picked[r, c])
    hit = rng.random((n, len(sk.transversal))) < 0.3
    r, c = np.nonzero(hit)
    rows.append(r)
    cols.append(sk.transversal[c])
    # informal or hobby skills from any niche's core
    k = np.minimum(rng.poisson(np.where(experienced, 0.6, 1.5)), 4)
    niche_pick = rng.choice(N_NICHES, (n, 4))
    col_pick = rng.integers(0, 12, (n, 4))
    mask = np.arange(4)[None, :] < k[:, None]
    r, c = np.nonzero(mask)
    rows.append(r)
    cols.append(
        np.array(
            [
                sk.core[a][b % len(sk.core[a])]
                for a, b in zip(niche_pick[r, c], col_pick[r, c], strict=True)
            ],
            dtype=np.int64,
        )
    )
    r = np.concatenate(rows)
    c = np.concatenate(cols).astype(np.int64)
    m = sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, sk.count))
    m.data[:] = 1.0
    return m


def write_profiles(
    draws: Draws,
    p: dict[str, np.ndarray],
    experience: list[list[tuple[int, float]]],
    preferences: list[list[int]],
) -> dict:
    """Coded skills, free-text skills and the written profile of every participant.

    A caseworker codes about half of a person's true skills as ESCO concepts and now
    and then a neighbouring skill they lack; some uncoded skills appear as free text
    in the person's own words.
    """
    rng, rnd, sk = draws.rng, draws.rnd, draws.skills
    n = len(p["edition"])
    true = p["true_skills"].tocoo()
    coded_mask = rng.random(true.nnz) < 0.55
    fp_k = np.minimum(rng.poisson(0.4, n), 2)
    fp_rows = np.repeat(np.arange(n), fp_k)
    fp_niche = np.where(
        p["primary"][fp_rows] >= 0,
        p["primary"][fp_rows],
        rng.integers(0, N_NICHES, len(fp_rows)),
    )
    pool_len = np.array([len(x) for x in sk.pool])
    pick = (rng.random(len(fp_rows)) * pool_len[fp_niche]).astype(np.int64)
    fp_cols = np.array([sk.pool[a][b] for a, b in zip(fp_niche, pick, strict=True)], dtype=np.int64)
    coded = row_lists(
        sparse.csr_matrix(
            (
                np.ones(coded_mask.sum() + len(fp_rows)),
                (
                    np.concatenate([true.row[coded_mask], fp_rows]),
                    np.concatenate([true.col[coded_mask], fp_cols]),
                ),
            ),
            shape=true.shape,
        )
    )
    uncoded = row_lists(
        sparse.csr_matrix(
            (np.ones((~coded_mask).sum()), (true.row[~coded_mask], true.col[~coded_mask])),
            shape=true.shape,
        )
    )
    owned_lists = row_lists(p["true_skills"])
    languages = text_languages(draws, p).tolist()
    niche_names = {
        language: [
            nn.name[language].split(":")[0].split(AND_WORD[language])[0].strip()
            for nn in draws.catalogue.niches
        ]
        for language in ("es", "en", "fr")
    }
    phrase_es, phrases = sk.phrase_es, sk.phrases
    uri = sk.uri.tolist()
    random_ = rnd.random

    def phrase(i: int, lang: str) -> str:
        """How a person names a skill: the common Spanish phrase where there is one
        (people writing another language in Spain use it too, now and then), otherwise
        one of ESCO's labels in the text's language (English where ESCO has none)."""
        if (lang == "es" or random_() < 0.12) and phrase_es[i]:
            return phrase_es[i]
        options = phrases[lang][i] or phrases["en"][i]
        return options[int(random_() * len(options))]

    outside_years = p["outside_years"].tolist()
    availability = [AVAILABILITY[a] for a in p["availability"]]
    uniforms = rng.random((n, phrasing.PROFILE_DRAWS)).tolist()
    skills, text_lists, texts = [], [], []
    for i in range(n):
        lang = languages[i]
        skills.append([uri[j] for j in coded[i]])
        text_lists.append([phrase(j, lang) for j in uncoded[i][:3] if random_() < 0.6])
        owned = owned_lists[i]
        start = int(random_() * len(owned)) if owned else 0
        mention = (owned[start:] + owned[:start])[: int(random_() * 4) + 1]
        written: list[tuple[str | None, float]] = [
            (NICHE_CODES[c], y) for c, y in experience[i] if random_() < 0.9
        ]
        if outside_years[i] > 0:
            written.append((None, outside_years[i]))
        names = niche_names[lang]
        texts.append(
            phrasing.profile_text(
                uniforms[i],
                lang,
                written,
                [phrase(j, lang) for j in mention],
                [names[c] for c in preferences[i]],
                availability[i],
            )
        )
    return {
        "skills": skills,
        "skills_text": text_lists,
        "profile_text": texts,
        "text_language": np.array(languages, dtype=object),
    }


def text_languages(draws: Draws, p: dict[str, np.ndarray]) -> np.ndarray:
    """The language each participant's profile is written in.

    The configured shares are met exactly. Those who write in English or French are the
    people whose Spanish is weakest (a native speaker writes Spanish unless the
    shares leave no choice); French goes first to people from groups where French is
    widely spoken.
    """
    rng, cfg = draws.rng, draws.config
    n = len(p["edition"])
    other = round((1.0 - cfg.spanish_share) * n)
    french = min(round(cfg.french_share * n), other)
    weakest_first = np.lexsort((rng.random(n), p["true_spanish"]))
    writers = weakest_first[:other]
    francophone = np.isin(p["origin"][writers], FRANCOPHONE_GROUPS)
    writers = writers[np.lexsort((rng.random(len(writers)), ~francophone))]
    languages = np.full(n, "es", dtype=object)
    languages[writers[french:]] = "en"
    languages[writers[:french]] = "fr"
    return languages


def row_lists(matrix: sparse.csr_matrix) -> list[list[int]]:
    """Column indices of each row of a CSR matrix as plain lists (fast to slice)."""
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    indices = matrix.indices.tolist()
    bounds = matrix.indptr.tolist()
    return [indices[a:b] for a, b in itertools.pairwise(bounds)]


def preference_lists(weights: np.ndarray) -> list[list[int]]:
    """Per participant, preferred niche indices, strongest first."""
    rows, cols = np.nonzero(weights)
    order = np.lexsort((-weights[rows, cols], rows))
    bounds = np.searchsorted(rows[order], np.arange(len(weights) + 1)).tolist()
    flat = cols[order].tolist()
    return [flat[a:b] for a, b in itertools.pairwise(bounds)]


def experience_lists(years: np.ndarray) -> list[list[tuple[int, float]]]:
    """Per participant, (niche index, years) with the longest experience first."""
    rows, cols = np.nonzero(years)
    values = years[rows, cols]
    order = np.lexsort((-values, rows))
    out: list[list[tuple[int, float]]] = [[] for _ in range(len(years))]
    for r, c, v in zip(
        rows[order].tolist(), cols[order].tolist(), values[order].tolist(), strict=True
    ):
        out[r].append((c, v))
    return out
