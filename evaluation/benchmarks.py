"""Speed benchmarks, reported as medians and as ratios to their targets.

Each benchmark returns ``{"name", "measured", "unit", "target", "ratio", ...}`` where a
ratio below 1 means the target is met. They run on generated data, on this machine,
and are meant to be re-run (``milma benchmark``), not asserted in unit tests.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from matching.engine import Matcher
from matching.features import as_frame
from matching.training import feature_matrix
from models.embedder import Embedder
from models.ranker import OutcomeRanker
from training_data.generator import GeneratorConfig, generate

CITY = GeneratorConfig(seed=7, participants=5000, editions=10, challenges=250)


def _result(
    name: str, measured: float, unit: str, target: float, lower_is_better: bool = True, **extra
) -> dict:
    ratio = measured / target if lower_is_better else target / measured
    return {
        "name": name,
        "measured": round(measured, 4),
        "unit": unit,
        "target": target,
        "ratio": round(ratio, 3),
        "met": ratio <= 1.0,
        **extra,
    }


def _median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), float(np.percentile(times, 99))


def generator_rate(participants: int = 1_000_000) -> dict:
    """Participants generated per second (without the per-pair truth, which grows with
    participants x challenges per edition)."""
    config = GeneratorConfig(
        seed=1,
        participants=participants,
        editions=40,
        challenges=max(28, participants // 100),
        truth=False,
    )
    start = time.perf_counter()
    generate(config)
    seconds = time.perf_counter() - start
    return _result(
        "generator",
        participants / seconds,
        "participants/s",
        20_000,
        lower_is_better=False,
        participants=participants,
        seconds=round(seconds, 1),
    )


def city_engine(embedder: Embedder) -> tuple[Matcher, object]:
    programme = generate(CITY)
    engine = Matcher(embedder)
    engine.load_programme(
        programme.participants, programme.challenges, programme.sensitive, persist=False
    )
    return engine, programme


def training_time(engine: Matcher, programme, pairs: int = 1_000_000) -> list[dict]:
    """Feature computation and ranker fit on ``pairs`` (participant, challenge) rows.

    The rows are the city programme's every within-edition pair, repeated to reach the
    size, labelled with their sampled outcome.
    """
    truth = programme.truth[["participant_id", "challenge_id", "sampled_relevance"]]
    reps = int(np.ceil(pairs / len(truth)))
    rows = pd.concat([truth] * reps, ignore_index=True).iloc[:pairs]
    rows = rows.rename(columns={"sampled_relevance": "relevance"}).reset_index(drop=True)
    start = time.perf_counter()
    x = feature_matrix(engine, rows)
    features = time.perf_counter() - start
    start = time.perf_counter()
    ranker = OutcomeRanker().fit(as_frame(x), rows["relevance"].to_numpy())
    fit = time.perf_counter() - start
    return [
        _result("training: features for 1M pairs", features, "s", 120.0),
        _result("training: ranker fit on 1M pairs", fit, "s", 120.0, iterations=ranker.n_iter_),
        _result("training: total on 1M pairs", features + fit, "s", 120.0),
    ]


def scoring_latency(engine: Matcher, repeat: int = 50) -> list[dict]:
    """Scoring 1,000 candidates for one challenge, and a full shortlist at city scale."""
    ids = np.sort(np.fromiter(engine.pool.row_of, dtype=np.int64))[:1000]
    cid = next(iter(engine.challenges))
    engine.score(cid, ids)
    median, p99 = _median_seconds(lambda: engine.score(cid, ids), repeat)
    out = [
        _result("score 1,000 candidates", median * 1000, "ms", 20.0, p99_ms=round(p99 * 1000, 2))
    ]
    engine.retrieve_k = 500
    engine.shortlist(cid, k=20)
    median, p99 = _median_seconds(lambda: engine.shortlist(cid, k=20, whole_programme=True), repeat)
    out.append(
        _result(
            "shortlist: retrieve 500, rank, explain top 20",
            median * 1000,
            "ms",
            20.0,
            p99_ms=round(p99 * 1000, 2),
            pool=len(engine.pool.row_of),
        )
    )
    return out


def embedding_rate(embedder: Embedder, texts: list[str]) -> dict:
    """Profiles embedded per second (uncached)."""
    fresh = Embedder(embedder.model_path, embedder.batch_size)
    fresh.encode(texts[:32])
    sample = texts[32:1032]
    start = time.perf_counter()
    fresh.encode(sample)
    seconds = time.perf_counter() - start
    words = float(np.mean([len(t.split()) for t in sample]))
    return _result(
        "embedding throughput",
        len(sample) / seconds,
        "profiles/s",
        200.0,
        lower_is_better=False,
        mean_words=round(words, 1),
    )


def write(results: list[dict], out: Path) -> Path:
    import json

    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmarks.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    lines = ["| benchmark | measured | target | ratio | met |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['measured']} {r['unit']} | {r['target']} {r['unit']} "
            f"| {r['ratio']} | {'yes' if r['met'] else 'no'} |"
        )
    path = out / "benchmarks.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
