"""Niche assignment: rank the 13 market niches for a participant, with reasons.

With a trained niche model (``milma train``), the ranking is the model's probability of
success (completing the training or being hired) in each niche, learned from past
outcomes. Without one, it is the catalogue's evidence (:func:`catalogue_scores`): what
the profile text says of each niche (job titles and niche words, read in Spanish,
English or French; a CV's dated jobs first), experience and preferences on record, the
share of the niche's core ESCO skills the person shows, and embedding similarity to the
niche's description. The output says which was used. A person whose work is all
outside the catalogue and who resembles no niche is told so plainly instead of being
forced into one.
"""

from __future__ import annotations

import numpy as np

from matching.domain.catalogue import Catalogue
from matching.domain.results import NicheRanking, NicheSuggestion
from matching.domain.vocabulary import CEFR_LEVELS
from matching.pool import N_NICHES, OTHER, ParticipantPool, preference_rank
from matching.reason_texts import decimal, worded
from matching.text.language import READ_LANGUAGES
from matching.text.reader import TextReading

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
    "text_evidence",
    "outside_share",
)
# What the niche model is held to (see models.ranker): the evidence that a person suits
# a niche (their text, skills, experience and choices pointing to it) never lowers their
# chance of succeeding there. Without it the model learned noisy reversals from the few
# offers outside people's choices, and a reason could read against its effect.
NICHE_DIRECTIONS: dict[str, int] = dict.fromkeys(
    (
        "similarity",
        "core_coverage",
        "niche_skills",
        "niche_experience",
        "preference",
        "text_evidence",
    ),
    1,
)
# Shallow trees: a niche's chance is mostly the sum of its evidence, and a few hundred
# successes per edition do not support deep interactions. Over the temporal folds of two
# seed-3 programmes, four leaves ranked the completed niche first 1-1.5 points more often
# than eight.
NICHE_MODEL_SETTINGS: dict = {"max_leaf_nodes": 4, "monotonic_cst": NICHE_DIRECTIONS}
OUTSIDE_SIMILARITY = 0.45
OUTSIDE_COVERAGE = 0.17
OUTSIDE_EVIDENCE = 0.5
# weights of the catalogue evidence (used without a niche model); see catalogue_scores
CATALOGUE_WEIGHTS: dict[str, float] = {
    "text_evidence": 0.5,
    "niche_experience": 0.3,
    "preference": 0.3,
    "core_coverage": 0.25,
    "similarity": 0.35,
}
SUCCESS_GRADE = 2
# catalogue evidence (catalogue_scores) from which a niche is said to have strong, clear
# or some evidence: a first-choice preference alone is "some", a job title of the niche
# or years in it "clear", both together "strong"; the similarity every niche gets stays
# below "some"
EVIDENCE_LEVELS: tuple[tuple[float, str], ...] = ((0.9, "strong"), (0.45, "clear"), (0.25, "some"))
QUOTES_PER_NICHE = 3

TEXT = {
    "en": {
        "core": "Shows {have} of {total} core skills: {names}",
        "no_core": "None of the niche's core skills recorded",
        "experience": (
            "years",
            "1 year of experience in this niche",
            "{years} years of experience in this niche",
        ),
        "experience_text": (
            "years",
            "1 year of experience in this niche, read from the text",
            "{years} years of experience in this niche, read from the text",
        ),
        "older": " (counted as {years}: the longer ago a job ended, the less it counts)",
        "mentions": "The text names {quotes}",
        "preference": "Chose it as preference #{rank}",
        "preference_text": "No preference recorded; the profile text points here",
        "similarity": "Their profile reads closer to this niche than to most others",
        "spanish": "Spanish level {level}",
        "learned": "Ranked by a model trained on past outcomes (chance of completing or being "
        "hired).",
        "catalogue": "Ranked by the catalogue's evidence: the profile text, experience, "
        "preferences and skills.",
        "outside": "Their work lies outside the 13 market niches and their profile is not "
        "close to any of them; the list below is only the nearest niches, with low "
        "confidence. A caseworker should talk it through.",
        "thin": "The profile holds very little (no skills, little text): the ranking is "
        "uncertain; add skills or experience.",
        "unread": "The profile text seems to be in {language}; the service reads Spanish, "
        "English and French only, so the text was not used: add a summary in one of them, or "
        "the person's skills and experience.",
    },
    "es": {
        "core": "Muestra {have} de {total} habilidades clave: {names}",
        "no_core": "No consta ninguna habilidad clave del nicho",
        "experience": (
            "years",
            "1 año de experiencia en este nicho",
            "{years} años de experiencia en este nicho",
        ),
        "experience_text": (
            "years",
            "1 año de experiencia en este nicho, leído en el texto",
            "{years} años de experiencia en este nicho, leídos en el texto",
        ),
        "older": " (cuentan como {years}: cuanto más antiguo es un trabajo, menos cuenta)",
        "mentions": "El texto menciona {quotes}",
        "preference": "Lo eligió como preferencia n.º {rank}",
        "preference_text": "Sin preferencias anotadas; el texto del perfil apunta aquí",
        "similarity": "Su perfil se parece a este nicho más que a la mayoría de los demás",
        "spanish": "Nivel de español {level}",
        "learned": "Ordenado por un modelo entrenado con resultados anteriores (probabilidad "
        "de terminar o ser contratado).",
        "catalogue": "Ordenado por la evidencia del catálogo: el texto del perfil, la "
        "experiencia, las preferencias y las habilidades.",
        "outside": "Su trabajo está fuera de los 13 nichos y su perfil no se parece a "
        "ninguno: la lista muestra solo los más cercanos, con poca confianza. "
        "Conviene hablarlo con un orientador.",
        "thin": "El perfil tiene muy poca información (sin habilidades, poco texto): el orden "
        "es incierto; añada habilidades o experiencia.",
        "unread": "El texto del perfil parece estar en {language}; el servicio solo lee "
        "español, inglés y francés, así que no se ha usado: añada un resumen en uno de ellos, "
        "o las habilidades y la experiencia de la persona.",
    },
}
LANGUAGE_NAMES = {
    "en": {"fr": "French", "ar": "Arabic", "ro": "Romanian", "zh": "Chinese"},
    "es": {"fr": "francés", "ar": "árabe", "ro": "rumano", "zh": "chino"},
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
    out[:, :, 4] = np.log1p(pool.recent[rows][:, :N_NICHES])
    out[:, :, 5] = np.log1p(years.sum(axis=1))[:, None]
    out[:, :, 6] = pool.prefs[rows]
    out[:, :, 7] = pool.cols["spanish"][rows][:, None]
    out[:, :, 8] = pool.cols["education"][rows][:, None]
    out[:, :, 9] = np.log1p(lengths)[:, None]
    out[:, :, 10] = pool.evidence[rows]
    out[:, :, 11] = pool.cols["outside"][rows][:, None]
    return out.reshape(n * N_NICHES, len(NICHE_FEATURES))


def catalogue_scores(features: np.ndarray) -> np.ndarray:
    """The catalogue-evidence ranking, used without a niche model.

    A weighted sum of what is on record and what the text says, each on its natural
    scale: text evidence (0..2: the niche's share of the job titles plus its share of
    the niche words), log(1 + years) in the niche (a CV's dated jobs counting less the
    longer ago they ended: :func:`matching.text.jobs.recency`), preference weight (1
    for a first choice), share of the niche's core skills, and embedding similarity.
    The text weighs most because it is what a caseworker types first; experience and
    choices on record next; the English embedding least, as it reads Spanish poorly.
    """
    column = {name: i for i, name in enumerate(NICHE_FEATURES)}
    return sum(weight * features[:, column[name]] for name, weight in CATALOGUE_WEIGHTS.items())


def _quotes(reading: TextReading | None, catalogue: Catalogue, language: str) -> dict:
    """Per niche (and ``OTHER`` for work outside the 13), the text's own words that
    point to it, each with what it was read as: [(quote, label)]."""
    found: dict[int, list[tuple[str, str]]] = {}
    if reading is None:
        return found
    for job in reading.jobs:  # the dated jobs first, with their dates
        niche = int(job.niches.argmax()) if job.niches is not None else job.title.niche
        label = catalogue.occupation_label(job.title.row, language)
        quotes = found.setdefault(min(niche, OTHER), [])
        if len(quotes) < QUOTES_PER_NICHE:
            quotes.append((f"{job.title.quote} ({job.when})", label))
    for concept in (*reading.occupations, *reading.skills):
        niche = concept.niche if concept.niches[concept.niche] > 0 else None
        if niche is None:
            continue
        label = (
            catalogue.niches[niche].name[language]
            if concept.heading and niche < N_NICHES
            else catalogue.occupation_label(concept.row, language)
            if concept.kind == "occupation"
            else catalogue.label_at(concept.row, language)
        )
        quotes = found.setdefault(min(niche, OTHER), [])
        if len(quotes) < QUOTES_PER_NICHE and all(
            not q.startswith(concept.quote) for q, _ in quotes
        ):
            quotes.append((concept.quote, label))
    return found


def _reasons(
    k: int,
    row: int,
    pool: ParticipantPool,
    features: np.ndarray,
    quotes: list[tuple[str, str]],
    matched: list[int],
    core_size: int,
    catalogue: Catalogue,
    language: str,
) -> list[str]:
    text = TEXT[language]
    reasons = []
    if quotes:
        reasons.append(
            text["mentions"].format(quotes=", ".join(f"'{q}' → {label}" for q, label in quotes))
        )
    years = float(pool.years[row, k])
    if years > 0:
        key = "experience_text" if pool.cols["years_from_text"][row] else "experience"
        reason = worded(text[key], language, years=round(years, 1))
        counted = float(pool.recent[row, k])  # what the ranking weighs (recency)
        if round(counted, 1) < round(years, 1):
            reason += text["older"].format(years=decimal(counted, language))
        reasons.append(reason)
    reasons.append(
        text["core"].format(
            have=len(matched),
            total=core_size,
            names=", ".join(catalogue.label_at(s, language) for s in matched[:4]),
        )
        if matched
        else text["no_core"]
    )
    if pool.prefs[row, k] > 0:
        reasons.append(
            text["preference_text"]
            if pool.cols["prefs_from_text"][row]
            else text["preference"].format(rank=preference_rank(pool.prefs[row, k]))
        )
    if features[k, 1] > np.median(features[:, 1]):
        reasons.append(text["similarity"])
    reasons.append(text["spanish"].format(level=CEFR_LEVELS[int(features[k, 7])]))
    return reasons


def is_outside(row: int, pool: ParticipantPool, features: np.ndarray) -> bool:
    """Work outside the 13 niches and nothing that resembles one: no catalogue
    experience or preference, few core skills, little text evidence or similarity."""
    years = pool.years[row]
    outside_work = bool(years[OTHER] > 0) or float(pool.cols["outside"][row]) >= 0.5
    return (
        outside_work
        and not years[:N_NICHES].any()
        and not pool.prefs[row].any()
        and features[:, 2].max() < OUTSIDE_COVERAGE
        and features[:, 1].max() < OUTSIDE_SIMILARITY
        and features[:, NICHE_FEATURES.index("text_evidence")].max() < OUTSIDE_EVIDENCE
    )


def evidence_level(value: float) -> str:
    return next((level for floor, level in EVIDENCE_LEVELS if value >= floor), "little")


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
    reading: TextReading | None = None,
) -> NicheRanking:
    """Turn one participant's 13 feature rows and scores into an explained ranking;
    ``reading`` (their profile text, read) lets the reasons quote the text."""
    text = TEXT[language]
    order = np.argsort(-scores, kind="stable")
    evidence = catalogue_scores(features)
    thin = bool(pool.insufficient(np.array([row]))[0])
    outside = is_outside(row, pool, features)
    quotes = _quotes(reading, catalogue, language)
    own = set(pool.skill_list(row).tolist())
    suggestions = []
    for rank, k in enumerate(order, start=1):
        niche = catalogue.niches[k]
        core = [catalogue.skill_index[u] for u in niche.core_skills]
        matched = [s for s in core if s in own]
        suggestions.append(
            NicheSuggestion(
                niche=niche.code,
                name=niche.name[language],
                rank=rank,
                score=round(float(scores[k]), 4),
                evidence=evidence_level(float(evidence[k])),
                chance=round(float(scores[k]), 4) if method == "learned" else None,
                matched_skills=[catalogue.skill_ref(s, language) for s in matched],
                reasons=_reasons(
                    k,
                    row,
                    pool,
                    features,
                    quotes.get(k, []),
                    matched,
                    len(core),
                    catalogue,
                    language,
                ),
            )
        )
    notes = [text[method]]
    text_language = reading.language if reading is not None else None
    if text_language is not None and text_language not in READ_LANGUAGES:
        notes.append(
            text["unread"].format(
                language=LANGUAGE_NAMES[language].get(text_language, text_language)
            )
        )
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
        text_language=text_language,
        outside_work=[f"'{q}' → {label}" for q, label in quotes.get(OTHER, [])],
        suggestions=suggestions,
    )
