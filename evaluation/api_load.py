"""The shortlist route under load, through a real HTTP server and client.

The service runs as a caseworker would reach it: ``milma serve`` (uvicorn, one worker
process) on the demo data at MILMA scale, and HTTP clients with keep-alive ask for
shortlists one at a time, then eight at a time. Reported: requests per second, the
median and 99th-percentile latency, and the errors (anything but 200).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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


class _Caller:
    """One keep-alive connection asking for one URL. The standard library's client
    costs a fraction of a millisecond a request, so the figures are the service's: a
    richer client spent as much CPU per request as the route it was measuring."""

    def __init__(self, base: str, path: str, headers: dict[str, str]) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.path, self.headers = path, headers

    def get(self) -> tuple[float, bool]:
        """(seconds taken, answered 200)."""
        start = time.perf_counter()
        try:
            self.connection.request("GET", self.path, headers=self.headers)
            response = self.connection.getresponse()
            response.read()
            ok = response.status == 200
        except (http.client.HTTPException, OSError):
            self.connection.close()  # the next request opens a new connection
            ok = False
        return time.perf_counter() - start, ok


def _run(callers: list[_Caller], per_caller: int) -> tuple[np.ndarray, int, float]:
    """Every caller asks ``per_caller`` times on its own thread, all at once; returns
    (latencies, errors, wall seconds)."""
    results: list[list[tuple[float, bool]]] = [[] for _ in callers]

    def ask(i: int) -> None:
        results[i].extend(callers[i].get() for _ in range(per_caller))

    for caller in callers:
        for _ in range(WARM_UP // len(callers)):
            caller.get()
    start = time.perf_counter()
    with ThreadPoolExecutor(len(callers)) as pool:
        list(pool.map(ask, range(len(callers))))
    total = time.perf_counter() - start
    answers = [a for per in results for a in per]
    return np.array([t for t, _ in answers]), sum(not ok for _, ok in answers), total


def shortlist_load(data_dir: Path, cache: Path | None, requests: int = REQUESTS) -> list[dict]:
    """Throughput and latency of ``GET /challenges/{id}/shortlist?k=10``."""
    key, challenge = _prepare(data_dir, cache)
    server, base = _serve(data_dir)
    path = f"/challenges/{challenge}/shortlist?k=10"
    headers = {"X-API-Key": key}
    try:
        times, errors, total = _run([_Caller(base, path, headers)], requests)
        concurrent = [_Caller(base, path, headers) for _ in range(CONCURRENCY)]
        many, many_errors, many_total = _run(concurrent, requests // CONCURRENCY)
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
