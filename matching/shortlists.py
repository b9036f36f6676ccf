"""Shortlists and candidate scores: the engine's answer to "who fits this challenge?".

A shortlist runs: embed the challenge -> retrieve with FAISS (edition, availability and
consent filters) -> set thin profiles apart -> compute features for all candidates at
once -> score -> fairness re-rank -> explain the top k. Scoring given participants
(no retrieval) serves the evaluation and the team planner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.challenge_view import ChallengeView
from matching.domain.results import InsufficientProfile, Shortlist
from matching.domain.vocabulary import CEFR_LEVELS
from matching.explanations import Explanation, explain
from matching.fairness import fair_top_k
from matching.features import FEATURES, pair_features
from matching.pool import ParticipantPool
from matching.scoring import expected_stages
from matching.search_filter import SearchFilter
from matching.state import EngineState

MAX_INSUFFICIENT_LISTED = 100
EMPTY_NOTES = {
    "no_participants": {
        "en": "Nobody has been registered in this edition yet.",
        "es": "Aún no hay nadie inscrito en esta edición.",
    },
    "none_available": {
        "en": "Nobody in this edition is available at the moment.",
        "es": "Ahora mismo no hay nadie disponible en esta edición.",
    },
    "none_consenting": {
        "en": "Nobody available in this edition has agreed to share their profile with companies.",
        "es": "Nadie disponible en esta edición ha aceptado compartir su perfil con empresas.",
    },
    "only_thin": {
        "en": "The profiles in this edition hold too little to score yet.",
        "es": "Los perfiles de esta edición tienen aún muy poca información para puntuarlos.",
    },
}
F = {name: i for i, name in enumerate(FEATURES)}


def score_candidates(engine: EngineState, challenge_id: int, participant_ids) -> pd.DataFrame:
    """Stage probabilities and the ranking key for given participants (no retrieval).

    Thin profiles get NaN scores: the engine does not invent a score for them.
    """
    ids = np.asarray(participant_ids, dtype=np.int64)
    x = engine.features(challenge_id, ids)
    stages = engine.scorer.stages(x) if len(ids) else np.zeros((0, 3))
    thin = engine.pool.insufficient(engine.rows_of(ids))
    stages[thin] = np.nan
    return pd.DataFrame(
        {
            "participant_id": ids,
            "expected": expected_stages(stages),
            "p_join": stages[:, 0],
            "p_complete": stages[:, 1],
            "p_hire": stages[:, 2],
            "similarity": x[:, F["similarity"]] if len(ids) else [],
            "insufficient": thin,
        }
    )


def score_matrix(engine: EngineState, challenge_ids, participant_ids) -> np.ndarray:
    """Expected stages (len(participants) x len(challenges)) with one scorer call; NaN
    for thin profiles."""
    ids = np.asarray(participant_ids, dtype=np.int64)
    x = np.vstack([engine.features(int(c), ids) for c in challenge_ids])
    key = expected_stages(engine.scorer.stages(x)).reshape(len(challenge_ids), len(ids)).T
    key[engine.pool.insufficient(engine.rows_of(ids))] = np.nan
    return key


@dataclass(frozen=True)
class Retrieved:
    """A challenge's scorable candidates as retrieved, with their features."""

    challenge: ChallengeView
    search: SearchFilter
    ids: np.ndarray
    rows: np.ndarray
    sims: np.ndarray
    x: np.ndarray


@dataclass(frozen=True)
class RankedCandidates(Retrieved):
    """A challenge's scorable candidates in shortlist order, before any is explained:
    what a shortlist shows the first ``k`` of, and where a person's placement reads
    their standing."""

    stages: np.ndarray
    key: np.ndarray
    order: np.ndarray  # positions into the arrays above, best first
    fairness: dict

    def place_of(self, participant_id: int) -> int | None:
        """The participant's 0-based place in :attr:`order` (None: not in it)."""
        found = np.flatnonzero(self.ids[self.order] == participant_id)
        return int(found[0]) if len(found) else None


def retrieve_candidates(
    engine: EngineState, challenge_id: int, k: int, consent_only: bool, whole_programme: bool
) -> Retrieved:
    """Search the index for a challenge's candidates, set thin profiles apart and
    compute every pair's features at once."""
    ch = engine.challenge(challenge_id)
    flt = SearchFilter(
        edition_id=None if whole_programme else ch.edition_id,
        available_only=True,
        consent_only=consent_only,
    )
    ids, sims = engine.index.search(
        engine.challenge_vector(challenge_id), max(k, engine.retrieve_k), flt
    )
    keep = ids[0] >= 0
    ids, sims = ids[0][keep], sims[0][keep]
    pool = engine.pool
    rows = pool.rows(ids)
    thin = pool.insufficient(rows)
    rows, ids, sims = rows[~thin], ids[~thin], sims[~thin]
    x = pair_features(
        pool, rows, ch, sims, len(engine.catalogue.skills), engine.company_record(challenge_id)
    )
    return Retrieved(ch, flt, ids, rows, sims, x)


def order_candidates(
    engine: EngineState, found: Retrieved, stages: np.ndarray, k: int, fairness: bool | None
) -> RankedCandidates:
    """The first ``k`` of scored candidates in shortlist order: by expected stages, with
    the fair-exposure re-rank unless it is off."""
    key = expected_stages(stages)
    use_fairness = engine.fairness_rerank if fairness is None else fairness
    if use_fairness and len(found.rows):
        order, fair = fair_top_k(key, engine.pool.cols["migrant"][found.rows], k)
    else:
        order = np.argsort(-key, kind="stable")[:k]
        fair = {"applied": False}
    return RankedCandidates(**vars(found), stages=stages, key=key, order=order, fairness=fair)


def rank_candidates(
    engine: EngineState,
    challenge_id: int,
    k: int,
    consent_only: bool,
    fairness: bool | None,
    whole_programme: bool,
) -> RankedCandidates:
    """Retrieve, score and order a challenge's candidates; :attr:`RankedCandidates.order`
    holds the first ``k`` (all of them when ``k`` reaches the retrieval depth)."""
    found = retrieve_candidates(engine, challenge_id, k, consent_only, whole_programme)
    return order_candidates(engine, found, engine.scorer.stages(found.x), k, fairness)


def rank_challenges(engine: EngineState, challenge_ids, k: int) -> list[RankedCandidates]:
    """:func:`rank_candidates` of several challenges (their own editions, every candidate
    alike, the re-rank as configured) with one scorer call for all of them: the same
    lists, without a model call's fixed cost per challenge."""
    found = [retrieve_candidates(engine, int(c), k, False, False) for c in challenge_ids]
    stages = engine.scorer.stages(np.vstack([f.x for f in found]))
    bounds = np.cumsum([len(f.rows) for f in found])[:-1]
    return [
        order_candidates(engine, f, part, k, None)
        for f, part in zip(found, np.split(stages, bounds), strict=True)
    ]


def pair_details(
    ranked: RankedCandidates, chosen: np.ndarray, explanations: list[Explanation]
) -> list[dict]:
    """The :class:`~matching.domain.results.PairDetail` fields of candidates ``chosen``
    (positions into ``ranked``) with their explanations, their figures read for all of
    them at once."""
    x = ranked.x[chosen]
    key, sims = ranked.key[chosen].tolist(), ranked.sims[chosen].tolist()
    stages = ranked.stages[chosen].tolist()
    commute = x[:, F["commute_minutes"]].astype(int).tolist()
    fits = x[:, F["schedule_fit"]].astype(bool).tolist()
    levels = x[:, F["spanish_level"]].astype(int).tolist()
    return [
        {
            "score": round(score / 3.0, 4),
            "p_join": round(p_join, 4),
            "p_complete": round(p_complete, 4),
            "p_hire": round(p_hire, 4),
            "similarity": round(similarity, 4),
            "matched_skills": e.matched,
            "missing_taught": e.missing_taught,
            "missing_untaught": e.missing_untaught,
            "reasons": e.reasons,
            "commute_minutes": minutes,
            "schedule_fit": fit,
            "spanish_level": CEFR_LEVELS[level],
        }
        for score, (p_join, p_complete, p_hire), similarity, e, minutes, fit, level in zip(
            key, stages, sims, explanations, commute, fits, levels, strict=True
        )
    ]


def shortlist_fields(
    engine: EngineState,
    challenge_id: int,
    k: int,
    consent_only: bool,
    fairness: bool | None,
    whole_programme: bool,
    language: str,
) -> dict:
    """A :class:`~matching.domain.results.Shortlist`'s fields as plain data, unchecked:
    ranked, explained candidates for a challenge (see the module docstring)."""
    engine.rules.shortlist_k(k)
    ranked = rank_candidates(engine, challenge_id, k, consent_only, fairness, whole_programme)
    ch, chosen = ranked.challenge, ranked.order
    explanations = explain(
        engine.scorer, ranked.x, chosen, ranked.rows, engine.pool, ch, engine.catalogue, language
    )
    candidates = [
        {"participant_id": participant, "rank": pos + 1, **detail}
        for pos, (participant, detail) in enumerate(
            zip(
                ranked.ids[chosen].tolist(), pair_details(ranked, chosen, explanations), strict=True
            )
        )
    ]
    empty = None if candidates else empty_reason(engine.pool, ranked.search)
    return {
        "challenge_id": ch.challenge_id,
        "edition_id": ch.edition_id,
        "candidates": candidates,
        "empty_reason": empty,
        "note": EMPTY_NOTES[empty][language] if empty else "",
        "not_enough_information": thin_profiles(engine.pool, ranked.search),
        "scoring": engine.scorer.description,
        "model_version": engine.scorer.version,
        "index_version": engine.index.version,
        "pool_size": len(ranked.rows),
        "fairness": ranked.fairness,
    }


def build_shortlist(*request) -> Shortlist:
    """:func:`shortlist_fields` (same arguments) checked in one call, candidates and
    reasons with it."""
    return Shortlist.model_validate(shortlist_fields(*request))


def empty_reason(pool: ParticipantPool, flt: SearchFilter) -> str:
    """Why a search under ``flt`` found nobody to rank, from the widest cause down."""
    alive, edition = pool["alive"], pool["edition"]
    available, consent = pool["available"], pool["consent"]
    scope = SearchFilter(flt.edition_id, available_only=False)
    if not scope.admits(alive, edition, available, consent).any():
        return "no_participants"
    if not SearchFilter(flt.edition_id).admits(alive, edition, available, consent).any():
        return "none_available"
    if not flt.admits(alive, edition, available, consent).any():
        return "none_consenting"
    return "only_thin"


def thin_profiles(pool: ParticipantPool, flt: SearchFilter) -> list[InsufficientProfile]:
    """Profiles the filter admits but that are too thin to score, with what is missing."""
    mask = flt.admits(pool["alive"], pool["edition"], pool["available"], pool["consent"])
    # over the whole pool at once, not gathered row by row: the filter admits most of it
    rows = np.flatnonzero(mask & pool.insufficient(slice(0, pool.size)))[:MAX_INSUFFICIENT_LISTED]
    return [
        InsufficientProfile(participant_id=int(pool["ids"][r]), missing=pool.missing_information(r))
        for r in rows
    ]
