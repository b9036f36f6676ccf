"""The shortlist route under load, through a real HTTP server and client.

The service runs as a caseworker would reach it: ``milma serve`` (uvicorn, one worker
process) on the demo data at MILMA scale, and an HTTP client with keep-alive asks for
shortlists one at a time, then eight at a time. Reported: requests per second, the
median and 99th-percentile latency, and the errors (anything but 200).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from evaluation.benchmarks import benchmark_result

REQUESTS = 2000
WARM_UP = 100
TARGET_RPS_SERIAL = 300.0
TARGET_P99_SERIAL_MS = 10.0
TARGET_P99_CONCURRENT_MS = 40.0
CONCURRENCY = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(data_dir: Path, cache: Path | None) -> tuple[str, int]:
    """The demo data dir, a caseworker key and a challenge of the latest edition."""
    from matching.settings import Settings
    from service.demo import prepare_demo

    settings = Settings(data_dir=data_dir)
    if cache is not None and cache.is_file():
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(cache, settings.cache_dir / "embeddings.npz")
    runtime, keys = prepare_demo(settings, say=lambda _m: None)
    try:
        latest = max(c.edition_id for c in runtime.matcher.challenges.values())
        challenge = min(c for c, v in runtime.matcher.challenges.items() if v.edition_id == latest)
    finally:
        runtime.close()
    return dict((role, key) for role, key, _ in keys)["caseworker"], challenge


def _serve(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "MILMA_DATA_DIR": str(data_dir), "MILMA_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the service exited before it was ready")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise RuntimeError("the service did not become ready")


def _serial(url: str, headers: dict, n: int) -> tuple[np.ndarray, int, float]:
    times, errors = [], 0
    with httpx.Client(headers=headers, timeout=30) as client:
        for _ in range(WARM_UP):
            client.get(url)
        start = time.perf_counter()
        for _ in range(n):
            t = time.perf_counter()
            errors += client.get(url).status_code != 200
            times.append(time.perf_counter() - t)
        total = time.perf_counter() - start
    return np.array(times), errors, total


async def _concurrent(url: str, headers: dict, n: int) -> tuple[np.ndarray, int, float]:
    times: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(headers=headers, timeout=30, limits=limits) as client:

        async def worker(count: int) -> None:
            nonlocal errors
            for _ in range(count):
                t = time.perf_counter()
                response = await client.get(url)
                times.append(time.perf_counter() - t)
                errors += response.status_code != 200

        await asyncio.gather(*(client.get(url) for _ in range(WARM_UP)))
        start = time.perf_counter()
        await asyncio.gather(*(worker(n // CONCURRENCY) for _ in range(CONCURRENCY)))
        total = time.perf_counter() - start
    return np.array(times), errors, total


def shortlist_load(data_dir: Path, cache: Path | None, requests: int = REQUESTS) -> list[dict]:
    """Throughput and latency of ``GET /challenges/{id}/shortlist?k=10``."""
    key, challenge = _prepare(data_dir, cache)
    server, base = _serve(data_dir)
    url = f"{base}/challenges/{challenge}/shortlist?k=10"
    headers = {"X-API-Key": key}
    try:
        times, errors, total = _serial(url, headers, requests)
        many, many_errors, many_total = asyncio.run(_concurrent(url, headers, requests))
    finally:
        server.terminate()
        server.wait(timeout=30)

    def ms(values: np.ndarray, q: float) -> float:
        return round(float(np.percentile(values, q)) * 1000, 2)

    serial_rps = requests / total
    return [
        benchmark_result(
            "API shortlist, 1 at a time",
            serial_rps,
            "requests/s",
            TARGET_RPS_SERIAL,
            lower_is_better=False,
            p50_ms=ms(times, 50),
            p99_ms=ms(times, 99),
            errors=errors,
        ),
        benchmark_result(
            "API shortlist p99, 1 at a time", ms(times, 99), "ms", TARGET_P99_SERIAL_MS
        ),
        benchmark_result(
            f"API shortlist p99, {CONCURRENCY} at a time",
            ms(many, 99),
            "ms",
            TARGET_P99_CONCURRENT_MS,
            requests_per_s=round(len(many) / many_total, 1),
            p50_ms=ms(many, 50),
            errors=many_errors,
        ),
    ]
