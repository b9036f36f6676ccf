"""Niche assignment: rank the 13 market niches for a participant, with reasons.

With a trained niche model (``milma train``), the ranking is the model's probability of
success (completing the training or being hired) in each niche, learned from past
outcomes. Without one, it is similarity to the niche catalogue: profile-text similarity
to the niche description plus the share of the niche's core ESCO skills the person
shows. The output says which was used. A person whose recorded work is all outside the
catalogue and who resembles no niche is told so plainly instead of being forced into one.
"""

from __future__ import annotations

import numpy as np

from matching.domain.catalogue import Catalogue
from matching.domain.results import NicheRanking, NicheSuggestion, SkillRef
from matching.domain.vocabulary import CEFR_LEVELS
from matching.pool import N_NICHES, OTHER, ParticipantPool, preference_rank

NICHE_KIND = "niche-ranker"
NICHE_FEATURES: tuple[str, ...] = (
    "niche",
    "similarity",
    "core_coverage",
    "niche_skills",
    "niche_experience",
    "total_experience",
    "preference",
    "spanish_level",
    "education_level",
    "skills_known",
)
OUTSIDE_SIMILARITY = 0.45
OUTSIDE_COVERAGE = 0.17
SUCCESS_GRADE = 2

TEXT = {
    "en": {
        "core": "Shows {have} of {total} core skills: {names}",
        "no_core": "None of the niche's core skills recorded",
        "experience": "{years} years of experience in this niche",
        "preference": "Chose it as preference #{rank}",
        "similarity": "Profile text similarity: {value:.2f}",
        "spanish": "Spanish level {level}",
        "learned": "Ranked by a model trained on past outcomes (chance of completing or being "
        "hired).",
        "similar": "Ranked by similarity to the niche catalogue (no niche model trained yet).",
        "outside": "Their recorded experience lies outside the 13 market niches and their "
        "profile is not close to any of them; the list below is only the nearest "
        "niches, with low confidence. A caseworker should talk it through.",
        "thin": "The profile holds very little (no skills, little text): the ranking is "
        "uncertain; add skills or experience.",
    },
    "es": {
        "core": "Muestra {have} de {total} habilidades clave: {names}",
        "no_core": "No consta ninguna habilidad clave del nicho",
        "experience": "{years} años de experiencia en este nicho",
        "preference": "Lo eligió como preferencia n.º {rank}",
        "similarity": "Similitud del perfil: {value:.2f}",
        "spanish": "Nivel de español {level}",
        "learned": "Ordenado por un modelo entrenado con resultados anteriores (probabilidad "
        "de terminar o ser contratado).",
        "similar": "Ordenado por similitud con el catálogo de nichos (aún sin modelo).",
        "outside": "Su experiencia está fuera de los 13 nichos y su perfil no se parece a "
        "ninguno: la lista muestra solo los más cercanos, con poca confianza. "
        "Conviene hablarlo con un orientador.",
        "thin": "El perfil tiene muy poca información (sin habilidades, poco texto): el orden "
        "es incierto; añada habilidades o experiencia.",
    },
}


class NicheCatalogueIndex:
    """Per-niche skill masks and description vectors (English and Spanish texts, so a
    profile is compared with the closer of the two), prepared once."""

    def __init__(self, catalogue: Catalogue, niche_vectors: np.ndarray) -> None:
        self.catalogue = catalogue
        self.vectors = niche_vectors
        index = catalogue.skill_index
        width = len(catalogue.skills)
        self.core = np.zeros((N_NICHES, width), dtype=np.float64)
        self.pool = np.zeros((N_NICHES, width), dtype=np.float64)
        for k, niche in enumerate(catalogue.niches):
            self.core[k, [index[u] for u in niche.core_skills]] = 1.0
            self.pool[k, [index[u] for u in niche.skills]] = 1.0
        self.core_size = self.core.sum(axis=1)


def niche_features(
    pool: ParticipantPool,
    rows: np.ndarray,
    profile_vectors: np.ndarray,
    niches: NicheCatalogueIndex,
) -> np.ndarray:
    """(len(rows) * 13) x len(NICHE_FEATURES): every participant against every niche,
    participant-major."""
    n = len(rows)
    flat, offsets = pool.skills_of(rows)
    lengths = np.diff(offsets)
    segment = np.repeat(np.arange(n), lengths)
    core_hits = np.stack(
        [np.bincount(segment, weights=niches.core[k][flat], minlength=n) for k in range(N_NICHES)],
        axis=1,
    )
    pool_hits = np.stack(
        [np.bincount(segment, weights=niches.pool[k][flat], minlength=n) for k in range(N_NICHES)],
        axis=1,
    )
    years = pool.years[rows]
    out = np.empty((n, N_NICHES, len(NICHE_FEATURES)))
    out[:, :, 0] = np.arange(N_NICHES)[None, :]
    out[:, :, 1] = np.max(profile_vectors @ niches.vectors.transpose(0, 2, 1), axis=0)
    out[:, :, 2] = core_hits / niches.core_size[None, :]
    out[:, :, 3] = np.log1p(pool_hits)
    out[:, :, 4] = np.log1p(years[:, :N_NICHES])
    out[:, :, 5] = np.log1p(years.sum(axis=1))[:, None]
    out[:, :, 6] = pool.prefs[rows]
    out[:, :, 7] = pool.cols["spanish"][rows][:, None]
    out[:, :, 8] = pool.cols["education"][rows][:, None]
    out[:, :, 9] = np.log1p(lengths)[:, None]
    return out.reshape(n * N_NICHES, len(NICHE_FEATURES))


def similarity_scores(features: np.ndarray) -> np.ndarray:
    """The catalogue-similarity ranking (used without a model, and as the baseline)."""
    return 0.6 * features[:, 1] + 0.4 * features[:, 2]


def rank_niches(
    participant_id: int,
    row: int,
    pool: ParticipantPool,
    features: np.ndarray,
    scores: np.ndarray,
    method: str,
    model_version: str | None,
    catalogue: Catalogue,
    language: str = "en",
) -> NicheRanking:
    """Turn one participant's 13 feature rows and scores into an explained ranking."""
    text = TEXT[language]
    order = np.argsort(-scores, kind="stable")
    years = pool.years[row]
    catalogue_experience = bool(years[:N_NICHES].any())
    thin = bool(pool.insufficient(np.array([row]))[0])
    outside = (
        not catalogue_experience
        and bool(years[OTHER] > 0)
        and not pool.prefs[row].any()
        and features[:, 2].max() < OUTSIDE_COVERAGE
        and features[:, 1].max() < OUTSIDE_SIMILARITY
    )
    own = set(pool.skill_list(row).tolist())
    suggestions = []
    for rank, k in enumerate(order, start=1):
        niche = catalogue.niches[k]
        core = [catalogue.skill_index[u] for u in niche.core_skills]
        matched = [s for s in core if s in own]
        reasons = [
            text["core"].format(
                have=len(matched),
                total=len(core),
                names=", ".join(catalogue.label_at(s, language) for s in matched[:4]),
            )
            if matched
            else text["no_core"],
        ]
        if years[k] > 0:
            reasons.append(text["experience"].format(years=round(float(years[k]), 1)))
        if pool.prefs[row, k] > 0:
            reasons.append(text["preference"].format(rank=preference_rank(pool.prefs[row, k])))
        reasons.append(text["similarity"].format(value=float(features[k, 1])))
        reasons.append(text["spanish"].format(level=CEFR_LEVELS[int(features[k, 7])]))
        suggestions.append(
            NicheSuggestion(
                niche=niche.code,
                name=niche.name[language],
                rank=rank,
                score=round(float(scores[k]), 4),
                matched_skills=[
                    SkillRef(uri=catalogue.uris[s], label=catalogue.label_at(s, language))
                    for s in matched
                ],
                reasons=reasons,
            )
        )
    notes = [text["learned" if method == "learned" else "similar"]]
    if outside:
        notes.append(text["outside"])
    elif thin:
        notes.append(text["thin"])
    return NicheRanking(
        participant_id=participant_id,
        method=method,
        model_version=model_version,
        outside_catalogue=outside,
        note=" ".join(notes),
        suggestions=suggestions,
    )
