"""Approximate search on real MiniLM embeddings of a 20k generated cohort (slow: ~6 min,
mostly embedding 20,000 profiles on the CPU)."""

import numpy as np
import pytest

from matching.engine import Matcher
from matching.recall_probe import recall_probe, tune
from matching.retrieval import ParticipantIndex
from matching.search_filter import SearchFilter
from training_data.config import GeneratorConfig
from training_data.generator import generate


@pytest.mark.slow
def test_hnsw_recall_at_50_on_20k_real_profiles(embedder):
    cohort = generate(
        GeneratorConfig(seed=21, participants=20_000, challenges=200, editions=4, truth=False)
    )
    engine = Matcher(embedder, index_mode="exact")
    engine.load_programme(cohort.participants, cohort.challenges, persist=False)
    ids = engine.index.ids
    vectors = engine.index.vectors(ids)
    approx = ParticipantIndex(vectors.shape[1], mode="approximate")
    table = engine.index.table().set_index("participant_id").loc[ids]
    approx.upsert(ids, vectors, table["edition"], table["available"], table["consent"])
    assert approx.approximate
    rng = np.random.default_rng(0)
    queries = np.vstack(
        [
            np.stack([engine.challenge_vector(c) for c in list(engine.challenges)[:100]]),
            vectors[rng.choice(len(ids), 100, replace=False)],
        ]
    )
    assert recall_probe(approx, queries, k=50, flt=SearchFilter(available_only=False)) >= 0.98
    assert recall_probe(approx, queries, k=50) >= 0.98
    # the probe reaches the target on real vectors and leaves the index at its choice
    probe = tune(approx, queries[:100])
    assert probe["recall"] >= 0.98 and approx.ef_search == probe["ef_search"]
