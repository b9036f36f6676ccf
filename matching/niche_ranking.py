"""The engine's niche suggestions: every participant against the 13 niches.

Features and the explained ranking are built in :mod:`matching.niches`; this module
feeds them the engine's pool and vectors and picks the scorer. The trained niche model
(when there is one) ranks people whose records hold skills, experience or preferences
of their own, which is what it learnt from. A record that holds nothing but a text is
ranked by the catalogue's evidence: the model, trained on records, does not read texts
well (on real postings it fell below the zero-shot embedding), while the catalogue's
evidence is built for them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.domain.results import NicheRanking
from matching.niches import NICHE_FEATURES, catalogue_scores, niche_features, rank_niches
from matching.state import EngineState


def participant_niche_features(engine: EngineState, participant_ids) -> np.ndarray:
    """Every participant against the 13 niches ((n * 13) rows, participant-major)."""
    ids = np.asarray(participant_ids, dtype=np.int64)
    return niche_features(
        engine.pool,
        engine.rows_of(ids),
        engine.index.vectors(ids),
        engine.niche_catalogue_index(),
    )


def uses_model(engine: EngineState, participant_ids, learned: bool | None) -> np.ndarray:
    """Per participant, whether the niche model ranks them (see the module docstring);
    ``learned`` forces the choice for everyone."""
    ids = np.asarray(participant_ids, dtype=np.int64)
    available = engine.niche_model is not None and engine.learned_on  # the stop switch
    if learned is not None:
        return np.full(len(ids), learned and available)
    if not available:
        return np.zeros(len(ids), dtype=bool)
    return engine.pool.cols["recorded"][engine.rows_of(ids)].copy()


def niche_scores(engine: EngineState, participant_ids, learned: bool | None) -> np.ndarray:
    """(n, 13) niche scores: the model's chance of success, or the catalogue's evidence."""
    x = participant_niche_features(engine, participant_ids)
    scores = catalogue_scores(x)
    model = uses_model(engine, participant_ids, learned).repeat(len(engine.catalogue.niches))
    if model.any():
        frame = pd.DataFrame(x[model], columns=list(NICHE_FEATURES))
        proba = engine.niche_model.predict_proba(frame)
        scores[model] = proba[:, list(engine.niche_model.classes_).index(1)]
    return scores.reshape(-1, len(engine.catalogue.niches))


def niche_ranking(
    engine: EngineState, participant_id: int, language: str, profile_text: str | None
) -> NicheRanking:
    """The 13 niches ranked for one participant, each with its reasons; with their
    ``profile_text``, the reasons quote the words that point to each niche."""
    row = int(engine.rows_of([participant_id])[0])
    x = participant_niche_features(engine, [participant_id])
    scores = niche_scores(engine, [participant_id], None)[0]
    learned = bool(uses_model(engine, [participant_id], None)[0])
    return rank_niches(
        participant_id,
        row,
        engine.pool,
        x,
        scores,
        "learned" if learned else "catalogue",
        engine.niche_model_version if learned else None,
        engine.catalogue,
        language,
        engine.profiles.read(profile_text) if profile_text else None,
    )
