"""How long a person's placements take at MILMA scale (``milma benchmark --only
placements``).

The demo data dir (508 people, 4 editions of 7 challenges, a ranker trained on the
recorded outcomes: what ``milma serve`` starts with) is asked for the placements of
every person of the latest edition the engine answers, several times over: through the
engine (``Matcher.placements``) and through the API route, which adds the stop switch,
the confirmed teams, the companies' names and the audit row (the in-process test
client adds its own cost; the median of a plain participant read through it is given
beside). Between changes an
edition's ranked lists and its proposed plan are kept, so these are the calls a
caseworker makes; the first call after any change ranks the edition's challenges and
solves its plan again, and is measured apart. Reported as medians and 99th
percentiles against the 20 ms aim, with the ratio.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from evaluation.benchmarks import benchmark_result, demo_service

TARGET_MS = 20.0
K = 5


def _ms(times: list[float]) -> tuple[float, float]:
    return float(np.median(times)) * 1000, float(np.percentile(times, 99)) * 1000


def _rows(name: str, times: list[float], **extra) -> list[dict]:
    median, p99 = _ms(times)
    return [
        benchmark_result(f"{name}, median", median, "ms", TARGET_MS, calls=len(times), **extra),
        benchmark_result(f"{name}, p99", p99, "ms", TARGET_MS, calls=len(times), **extra),
    ]


def placement_latency(data_dir: Path, cache: Path | None, repeat: int = 5) -> list[dict]:
    """Placements k=5 for every answered person of the demo's latest edition, ``repeat``
    passes (after one warm-up call), through the engine and the API; and the first
    call after a change, once per person."""
    from fastapi.testclient import TestClient

    from service.app import create_app

    settings, runtime, keys = demo_service(data_dir, cache)
    matcher = runtime.matcher
    try:
        pool = matcher.pool
        latest = max(v.edition_id for v in matcher.challenges.values())
        rows = np.flatnonzero(
            pool["alive"] & pool["available"] & pool["consent"] & (pool["edition"] == latest)
        )
        people = [int(p) for p in pool["ids"][rows]]
        matcher.placements(people[0], K)
        engine, after_change = [], []
        for turn in range(repeat):
            for pid in people:
                start = time.perf_counter()
                matcher.placements(pid, K, "es" if turn % 2 else "en")
                engine.append(time.perf_counter() - start)
        for pid in people:
            matcher.moved_on()  # what any write does: nothing made before is served
            start = time.perf_counter()
            matcher.placements(pid, K)
            after_change.append(time.perf_counter() - start)
        client = TestClient(create_app(settings, runtime))
        headers = {"X-API-Key": keys["caseworker"]}
        client.get(f"/participants/{people[0]}/placements?k={K}", headers=headers)
        api, plain = [], []
        for _ in range(repeat):
            for pid in people:
                start = time.perf_counter()
                got = client.get(f"/participants/{pid}/placements?k={K}", headers=headers)
                api.append(time.perf_counter() - start)
                if got.status_code != 200:
                    raise RuntimeError(f"placements answered {got.status_code}: {got.text}")
                start = time.perf_counter()
                client.get(f"/participants/{pid}", headers=headers)
                plain.append(time.perf_counter() - start)
        size = {
            "people": len(people),
            "challenges": sum(1 for v in matcher.challenges.values() if v.edition_id == latest),
            "scoring": matcher.scorer.kind,
        }
        return [
            *_rows("placements k=5 at MILMA scale (engine)", engine, **size),
            *_rows(
                "placements k=5 at MILMA scale (API route, in-process client)",
                api,
                # what the same client takes to read one participant record: the
                # client's own part of the figure, and a database read
                plain_read_median_ms=round(_ms(plain)[0], 2),
                **size,
            ),
            *_rows("placements k=5, first call after a change (engine)", after_change, **size),
        ]
    finally:
        runtime.close()
