"""FAISS and Milvus side by side: recall@50 against exact search and search latency, per
filter kind, on the same vectors.

The vectors are those of the scale benchmark (:mod:`evaluation.scale`): real
all-MiniLM-L6-v2 vectors of a sample of generated profiles, each repeated with Gaussian
noise up to the wanted size; the queries are the generated challenges' vectors, as a
shortlist asks. Both stores choose their ``efSearch`` by the recall probe first, as an
engine does when it opens an index. Milvus runs embedded (milvus-lite) in a temporary
file; a server would add a network round trip to every search.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from evaluation.benchmarks import benchmark_result
from evaluation.scale import noisy_vectors
from matching.milvus_index import MilvusParticipantIndex
from matching.recall_probe import recall, tune
from matching.retrieval import ParticipantIndex
from matching.search_filter import SearchFilter
from models.embedder import Embedder
from training_data.config import GeneratorConfig
from training_data.generator import generate

SAMPLE = 2000
EDITIONS = 40


def _vectors(model_path: str, participants: int, queries: int, seed: int):
    programme = generate(
        GeneratorConfig(seed=seed, participants=SAMPLE, challenges=queries, truth=False)
    )
    embedder = Embedder(model_path)
    sample = embedder.encode(programme.participants["profile_text"].tolist())
    asks = embedder.encode(programme.challenges["title"].tolist())
    return noisy_vectors(sample, participants, seed), asks, embedder


def _latency_ms(index, queries: np.ndarray, flt: SearchFilter) -> tuple[float, float]:
    times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, 20, flt)
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1000, float(np.percentile(times, 99)) * 1000


def vector_store_benchmark(
    model_path: str, participants: int = 100_000, queries: int = 200, seed: int = 5
) -> list[dict]:
    """Benchmark rows comparing the two stores at ``participants`` vectors."""
    vectors, asks, embedder = _vectors(model_path, participants, queries, seed)
    rng = np.random.default_rng(seed)
    ids = np.arange(1, participants + 1)
    flags = {
        "editions": rng.integers(1, EDITIONS + 1, participants),
        "available": rng.random(participants) < 0.9,
        "consent": rng.random(participants) < 0.6,
    }
    filters = {
        "whole programme": SearchFilter(),
        "own edition": SearchFilter(edition_id=int(flags["editions"][0])),
        "consent only": SearchFilter(consent_only=True),
    }
    faiss = ParticipantIndex(embedder.dimension)
    start = time.perf_counter()
    faiss.upsert(ids, vectors, **flags)
    faiss_build = time.perf_counter() - start
    rows = []
    with tempfile.TemporaryDirectory(prefix="milma-milvus-") as tmp:
        milvus = MilvusParticipantIndex(str(Path(tmp) / "milvus.db"), embedder.dimension)
        start = time.perf_counter()
        milvus.upsert(ids, vectors, **flags)
        milvus.search(asks[:1], 20)  # the first search waits for the index
        milvus_build = time.perf_counter() - start
        probes = {"faiss": tune(faiss, asks), "milvus": tune(milvus, asks)}  # as engines do
        size = {"participants": participants, "queries": len(asks)}
        rows.append(
            benchmark_result(
                "vector stores: Milvus load (insert + index)",
                milvus_build,
                "s",
                600.0,
                faiss_s=round(faiss_build, 1),
                **size,
            )
        )
        for name, flt in filters.items():
            exact, _ = faiss.search(asks, 50, flt, exact=True)
            found, _ = milvus.search(asks, 50, flt)
            faiss_found, _ = faiss.search(asks, 50, flt)
            rows.append(
                benchmark_result(
                    f"vector stores: Milvus recall@50, {name}",
                    recall(found, exact),
                    "",
                    0.98,
                    lower_is_better=False,
                    faiss_recall=round(recall(faiss_found, exact), 4),
                    ef_search={k: v["ef_search"] for k, v in probes.items()},
                    **size,
                )
            )
            median, p99 = _latency_ms(milvus, asks, flt)
            faiss_median, faiss_p99 = _latency_ms(faiss, asks, flt)
            rows.append(
                benchmark_result(
                    f"vector stores: Milvus search k=20, {name}, p99",
                    p99,
                    "ms",
                    20.0,
                    median_ms=round(median, 2),
                    faiss_median_ms=round(faiss_median, 2),
                    faiss_p99_ms=round(faiss_p99, 2),
                    **size,
                )
            )
    return rows
