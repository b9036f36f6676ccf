"""Synthetic MILMA-like programmes: participants, companies, challenges and outcomes.

Real programme records are private, so the project generates realistic ones. Each
participant has *true* abilities (skills, niche experience, Spanish level, motivation,
hardship) and a *visible* profile written from them with omissions and noise. Outcomes
of a (participant, challenge) pair come from a hidden compatibility model
(:class:`HiddenModel`) in three stages: the participant accepts the offer, completes
the training, is hired. The generator also writes, apart, the ground truth for every
pair of an edition (expected and one sampled outcome), which only the evaluation reads.

Everything is vectorised per edition so that a million participants stay fast; all
randomness comes from generators seeded by ``GeneratorConfig.seed``.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit

from matching.domain import geography
from matching.domain.catalogue import NICHE_CODES, Catalogue, load_catalogue
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, EDUCATION, SCHEDULES
from training_data import phrasing, places
from training_data.outcome_model import HiddenModel, OutcomeModel, ground_truth, simulate_history
from training_data.people import MIGRANT_GROUPS, MOTHER_TONGUE, ORIGIN_GROUPS

N_NICHES = len(NICHE_CODES)
# Niches named in the programme's sources get more challenges.
NICHE_DEMAND = np.array([3, 3, 3, 3, 2, 2, 2, 3, 2, 1, 2, 1, 2], dtype=float)
# Minimum Spanish level a niche usually asks for (index into CEFR_LEVELS).
NICHE_MIN_SPANISH = np.array([1, 1, 2, 3, 1, 1, 2, 1, 2, 2, 1, 2, 3])
CONSENT_VERSION = "2018-consent-v1"


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Defaults mirror MILMA: 4 editions, 28 challenges, 508 people."""

    seed: int = 7
    editions: int = 4
    participants: int = 508
    challenges: int = 28
    companies: int | None = None
    migrant_share: float = 0.34
    completion_rate: float = 389 / 508
    placement_rate: float = 182 / 508
    hiring_bias: float = 0.0
    spanish_share: float = 0.15
    truth: bool = True
    start: date = date(2018, 9, 3)
    hidden: HiddenModel = field(default_factory=HiddenModel)

    def __post_init__(self) -> None:
        problems = []
        if self.editions < 1:
            problems.append("editions must be at least 1")
        if self.challenges < self.editions:
            problems.append("challenges must be at least one per edition")
        if self.participants < 2 * self.challenges:
            problems.append("participants must be at least twice the challenges")
        for name in ("migrant_share", "completion_rate", "placement_rate", "spanish_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must lie between 0 and 1")
        if self.placement_rate > self.completion_rate:
            problems.append("placement_rate cannot exceed completion_rate")
        if self.companies is not None and self.companies < 1:
            problems.append("companies must be at least 1")
        if problems:
            raise ValueError("; ".join(problems))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return data


@dataclass
class Programme:
    """The generated tables. ``truth`` is None when not requested."""

    editions: pd.DataFrame
    companies: pd.DataFrame
    challenges: pd.DataFrame
    participants: pd.DataFrame
    sensitive: pd.DataFrame
    outcomes: pd.DataFrame
    truth: pd.DataFrame | None
    config: GeneratorConfig


def _split(total: int, parts: int) -> np.ndarray:
    base = np.full(parts, total // parts)
    base[: total % parts] += 1
    return base


class _Skills:
    """Skill index arrays per niche, prepared once from the catalogue."""

    def __init__(self, cat: Catalogue) -> None:
        idx = cat.skill_index
        self.count = len(cat.skills)
        self.core = [np.array([idx[u] for u in n.core_skills]) for n in cat.niches]
        self.pool = []
        self.pool_p = []
        for n, core in zip(cat.niches, self.core, strict=True):
            uris = [u for u in n.skills if idx[u] not in set(core.tolist())]
            weights = np.array(
                [w + 1.0 for u, w in zip(n.skills, n.essential_weight, strict=True) if u in uris]
            )
            self.pool.append(np.array([idx[u] for u in uris]))
            self.pool_p.append(weights / weights.sum())
        self.transversal = np.array([idx[u] for u in cat.transversal_skills])
        labels = cat.skills
        self.uri = labels["uri"].to_numpy(dtype=object)
        self.label_en = labels["label_en"].tolist()
        self.phrase_es = labels["phrase_es"].tolist()
        self.phrases_es = [
            [lab, *[a for a in alts.split("|") if a and a != lab]] if lab else []
            for lab, alts in zip(labels["label_es"], labels["alt_labels_es"], strict=True)
        ]
        self.phrases_en = [
            [lab, *[a for a in alts.split("|") if a and a != lab]]
            for lab, alts in zip(labels["label_en"], labels["alt_labels_en"], strict=True)
        ]


class _Generator:
    def __init__(self, config: GeneratorConfig, catalogue: Catalogue) -> None:
        self.cfg = config
        self.cat = catalogue
        self.sk = _Skills(catalogue)
        self.rng = np.random.default_rng(config.seed)
        self.rnd = random.Random(config.seed)
        self.h = config.hidden

    # ----------------------------------------------------------------- structure
    def editions(self) -> pd.DataFrame:
        n = self.cfg.editions
        starts = [self.cfg.start + timedelta(days=270 * e) for e in range(n)]
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

    def challenges_and_companies(
        self, editions: pd.DataFrame, seats_per_edition: list[np.ndarray]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        cfg, rng, sk = self.cfg, self.rng, self.sk
        per_edition = _split(cfg.challenges, cfg.editions)
        niches = []
        for m in per_edition:
            first = rng.permutation(N_NICHES)[: min(m, N_NICHES)]
            extra = rng.choice(
                N_NICHES, size=max(0, m - N_NICHES), p=NICHE_DEMAND / NICHE_DEMAND.sum()
            )
            chosen = np.concatenate([first, extra])
            if m < N_NICHES:  # small editions favour the programme's main niches
                chosen = rng.choice(
                    N_NICHES, size=m, replace=False, p=NICHE_DEMAND / NICHE_DEMAND.sum()
                )
            niches.append(chosen)
        niche = np.concatenate(niches)
        n_companies = cfg.companies or max(N_NICHES, round(cfg.challenges * 0.6))
        company_niche = (
            np.concatenate(
                [
                    np.arange(N_NICHES),
                    rng.choice(
                        N_NICHES, n_companies - N_NICHES, p=NICHE_DEMAND / NICHE_DEMAND.sum()
                    ),
                ]
            )[:n_companies]
            if n_companies >= N_NICHES
            else rng.choice(N_NICHES, n_companies)
        )
        companies = self._companies(company_niche)
        company_of = np.empty(len(niche), dtype=np.int64)
        for j, code in enumerate(niche):
            same = np.flatnonzero(company_niche == code)
            pool = same if len(same) else np.arange(n_companies)
            company_of[j] = pool[rng.integers(len(pool))]

        rows = []
        edition_of = np.repeat(editions["edition_id"].to_numpy(), per_edition)
        remote_of = np.repeat(editions["remote"].to_numpy(), per_edition)
        seats = np.concatenate(seats_per_edition)
        for j in range(len(niche)):
            code = NICHE_CODES[niche[j]]
            core = sk.core[niche[j]]
            n_ess = int(rng.integers(5, 8))
            essential = rng.choice(core, size=min(n_ess, len(core)), replace=False)
            n_opt = int(rng.integers(3, 6))
            optional = rng.choice(
                sk.pool[niche[j]], size=n_opt, replace=False, p=sk.pool_p[niche[j]]
            )
            optional = np.concatenate([optional, rng.choice(sk.transversal, 1)])
            optional = np.setdiff1d(optional, essential)
            taught = np.concatenate(
                [
                    essential[rng.random(len(essential)) < 0.5],
                    optional[rng.random(len(optional)) < 0.35],
                ]
            )
            workplaces = places.NICHE_WORKPLACES[code]
            names = list(workplaces)
            weights = np.array(list(workplaces.values()), dtype=float)
            location = names[rng.choice(len(names), p=weights / weights.sum())]
            schedule = SCHEDULES[rng.choice(3, p=[0.45, 0.2, 0.35])]
            min_spanish = CEFR_LEVELS[
                int(np.clip(NICHE_MIN_SPANISH[niche[j]] + rng.choice([-1, 0, 0, 1]), 0, 4))
            ]
            title = self.rnd.choice(phrasing.CHALLENGE_TITLES[code])
            company_name = companies["name"].iloc[company_of[j]]
            rows.append(
                {
                    "challenge_id": j + 1,
                    "edition_id": int(edition_of[j]),
                    "company_id": int(company_of[j] + 1),
                    "niche": code,
                    "title": title,
                    "description": phrasing.challenge_text(
                        self.rnd,
                        company_name,
                        self.cat.niches[niche[j]].name["en"],
                        title,
                        [sk.label_en[i] for i in essential],
                        [sk.label_en[i] for i in optional],
                        [sk.label_en[i] for i in taught],
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
        return pd.DataFrame(rows), companies

    def _companies(self, company_niche: np.ndarray) -> pd.DataFrame:
        stems = {
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
        suffixes = ("S.L.", "S.L.L.", "S.Coop.", "S.L.")
        names, used = [], set()
        for i, n in enumerate(company_niche):
            base = self.rnd.choice(stems[NICHE_CODES[n]])
            name = f"{base} {self.rnd.choice(suffixes)}"
            if name in used:
                name = f"{base} {i + 1} {self.rnd.choice(suffixes)}"
            used.add(name)
            names.append(name)
        return pd.DataFrame(
            {
                "company_id": np.arange(1, len(company_niche) + 1, dtype=np.int64),
                "name": names,
                "size": self.rng.choice(
                    ["micro", "small", "medium"], len(company_niche), p=[0.4, 0.45, 0.15]
                ),
                "sector": [NICHE_CODES[n] for n in company_niche],
            }
        )

    # -------------------------------------------------------------- participants
    def participants(self, editions: pd.DataFrame) -> dict[str, np.ndarray]:
        """Draw every participant's true and visible attributes as arrays."""
        cfg, rng = self.cfg, self.rng
        per_edition = _split(cfg.participants, cfg.editions)
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

        motivation = rng.normal(0, 1, n)
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
        true_skills = self._true_skills(n, primary, years, rows_in)
        return {
            "edition": edition,
            "migrant": migrant,
            "origin": origin,
            "true_spanish": true_spanish,
            "said_spanish": said_spanish,
            "years": years,
            "outside_years": outside_years,
            "motivation": motivation,
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
        self, n: int, primary: np.ndarray, years: np.ndarray, experienced: np.ndarray
    ) -> sparse.csr_matrix:
        rng, sk = self.rng, self.sk
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
            draws = rng.choice(sk.pool[code], (len(who), 8), p=sk.pool_p[code])
            mask = np.arange(8)[None, :] < k[:, None]
            r, c = np.nonzero(mask)
            rows.append(who[r])
            cols.append(draws[r, c])
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

    # ------------------------------------------------------------ visible profile
    def profiles(
        self,
        p: dict[str, np.ndarray],
        experience: list[list[tuple[int, float]]],
        preferences: list[list[int]],
    ) -> dict:
        """Coded skills, free-text skills and the written profile of every participant.

        A caseworker codes about half of a person's true skills as ESCO concepts and now
        and then a neighbouring skill they lack; some uncoded skills appear as free text
        in the person's own words.
        """
        rng, rnd, sk, cfg = self.rng, self.rnd, self.sk, self.cfg
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
        fp_cols = np.array(
            [sk.pool[a][b] for a, b in zip(fp_niche, pick, strict=True)], dtype=np.int64
        )
        coded = _row_lists(
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
        uncoded = _row_lists(
            sparse.csr_matrix(
                (np.ones((~coded_mask).sum()), (true.row[~coded_mask], true.col[~coded_mask])),
                shape=true.shape,
            )
        )
        owned_lists = _row_lists(p["true_skills"])
        spanish_text = (rng.random(n) < cfg.spanish_share).tolist()
        niche_names = {
            "en": [nn.name["en"].split(":")[0].split(" and ")[0] for nn in self.cat.niches],
            "es": [nn.name["es"].split(":")[0].split(" y ")[0] for nn in self.cat.niches],
        }
        phrase_es, phrases_es, phrases_en = sk.phrase_es, sk.phrases_es, sk.phrases_en
        uri = sk.uri.tolist()
        random_ = rnd.random

        def phrase(i: int, lang: str) -> str:
            """How a person names a skill: the common Spanish phrase where there is one
            (English speakers in Spain use it too, now and then), otherwise one of
            ESCO's labels in the text's language."""
            if (lang == "es" or random_() < 0.12) and phrase_es[i]:
                return phrase_es[i]
            options = phrases_es[i] if lang == "es" and phrases_es[i] else phrases_en[i]
            return options[int(random_() * len(options))]

        outside_years = p["outside_years"].tolist()
        availability = [AVAILABILITY[a] for a in p["availability"]]
        draws = rng.random((n, phrasing.PROFILE_DRAWS)).tolist()
        skills, text_lists, texts = [], [], []
        for i in range(n):
            lang = "es" if spanish_text[i] else "en"
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
                    draws[i],
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
            "text_language": np.where(spanish_text, "es", "en"),
        }


def _row_lists(matrix: sparse.csr_matrix) -> list[list[int]]:
    """Column indices of each row of a CSR matrix as plain lists (fast to slice)."""
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    indices = matrix.indices.tolist()
    bounds = matrix.indptr.tolist()
    return [indices[a:b] for a, b in itertools.pairwise(bounds)]


def _preference_lists(weights: np.ndarray) -> list[list[int]]:
    """Per participant, preferred niche indices, strongest first."""
    rows, cols = np.nonzero(weights)
    order = np.lexsort((-weights[rows, cols], rows))
    bounds = np.searchsorted(rows[order], np.arange(len(weights) + 1)).tolist()
    flat = cols[order].tolist()
    return [flat[a:b] for a, b in itertools.pairwise(bounds)]


def _experience_lists(years: np.ndarray) -> list[list[tuple[int, float]]]:
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


def _seats(n_available: int, n_migrants: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Team sizes for one edition that a plan with >= 30 % migrants can fill."""
    base = max(2, n_available // m)
    seats = base - rng.choice([0, 0, 0, 1, 2], m)
    seats = np.maximum(seats, 2)
    while np.ceil(0.3 * seats).sum() > n_migrants and seats.max() > 2:
        seats[np.argmax(seats)] -= 1
    return seats


def generate(
    config: GeneratorConfig | None = None, catalogue: Catalogue | None = None
) -> Programme:
    """Generate a whole programme deterministically from ``config.seed``."""
    cfg = config or GeneratorConfig()
    gen = _Generator(cfg, catalogue or load_catalogue())
    rng = gen.rng
    editions = gen.editions()
    p = gen.participants(editions)
    n = cfg.participants
    available = rng.random(n) >= 0.03
    per_edition_ch = _split(cfg.challenges, cfg.editions)
    seats = []
    for e_pos, e in enumerate(editions["edition_id"]):
        members = p["edition"] == e
        seats.append(
            _seats(
                int((members & available).sum()),
                int((members & available & p["migrant"]).sum()),
                int(per_edition_ch[e_pos]),
                rng,
            )
        )
    challenges, companies = gen.challenges_and_companies(editions, seats)
    tastes = np.column_stack(
        [rng.uniform(0.7, 1.3, len(companies)), rng.uniform(0.5, 1.5, len(companies))]
    )

    # sensitive attributes, kept apart from everything the engine reads
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
    first_names = [phrasing.pick(gen.rnd, ORIGIN_GROUPS[g]["first"]) for g in p["origin"]]
    last_names = [phrasing.pick(gen.rnd, ORIGIN_GROUPS[g]["last"]) for g in p["origin"]]
    experience = _experience_lists(p["years"])
    preferences = _preference_lists(p["pref_weight"])
    profiles = gen.profiles(p, experience, preferences)

    other_languages = [
        [f"{MOTHER_TONGUE[g]}:C2"] if g in MOTHER_TONGUE else [] for g in p["origin"]
    ]
    english = rng.choice(["", "en:A2", "en:B1", "en:B2"], n, p=[0.45, 0.25, 0.2, 0.1])
    for langs, eng in zip(other_languages, english, strict=True):
        if eng:
            langs.append(str(eng))
    pids = np.arange(1, n + 1, dtype=np.int64)
    names = [f"{a} {b}" for a, b in zip(first_names, last_names, strict=True)]
    participants = pd.DataFrame(
        {
            "participant_id": pids,
            "edition_id": p["edition"].astype(np.int64),
            "display_name": names,
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
            "available": available,
            "consent_share": rng.random(n) < 0.88,
            "consent_version": CONSENT_VERSION,
            "notes": rng.choice(
                np.array(
                    [
                        "",
                        "",
                        "",
                        "Needs childcare support.",
                        "Referred by CESAL.",
                        "Referred by the Islamic Culture Centre.",
                        "Lent a laptop.",
                        "Housing difficulties.",
                    ],
                    dtype=object,
                ),
                n,
            ),
        }
    )
    sensitive = pd.DataFrame(
        {
            "participant_id": pids,
            "migrant": p["migrant"],
            "origin_group": p["origin"],
            "nationality": nationality,
            "gender": gender,
            "birth_year": birth_year.astype(np.int64),
        }
    )
    model = OutcomeModel(p, challenges, gen.cat, tastes, cfg.hidden, cfg.seed, cfg.hiring_bias)
    outcomes, intercepts = simulate_history(
        model, challenges, editions, cfg.completion_rate, cfg.placement_rate, rng
    )
    truth = ground_truth(model, challenges, intercepts) if cfg.truth else None
    return Programme(editions, companies, challenges, participants, sensitive, outcomes, truth, cfg)
