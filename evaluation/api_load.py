"""The shortlist route under load, through a real HTTP server and client, asked as
caseworkers ask.

The service runs as a caseworker would reach it: ``milma serve`` (uvicorn, one worker
process), and HTTP clients with keep-alive ask for shortlists one at a time, then
eight at a time. Three ways of asking, reported apart:

- **kept**: the same request again and again, which the worker answers with the JSON it
  kept from the previous identical answer;
- **computed**: every request a different (challenge, ``k``, language), so that no
  answer is kept from before and every one is made afresh;
- **mix**: the computed requests with a write between every few reads, a recorded
  outcome or a new participant, each of which moves the engine's state on.

On two data dirs: the demo at MILMA scale, and a generated programme of 100,000
participants (built as the scale benchmark builds its data dir: a sample embedded for
real and the rest noisy copies of those vectors, so its build costs minutes, not hours).
Reported: requests per second, the median and 99th-percentile latency, the served
worker's CPU time a request, the errors (anything but the expected status, counted by
what came instead), and the machine's load average at the time.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from evaluation.benchmarks import benchmark_result

REQUESTS = 2000
COMPUTED_REQUESTS = 1000
WARM_UP = 100
CONCURRENCY = 8
# one write (an outcome, then a new participant, in turn) after this many reads
READS_PER_WRITE = 4
KS = range(5, 51)
LANGUAGES = ("en", "es")
TARGETS = {  # (path, data): (p99 ms at c=1, requests/s at c=8, p99 ms at c=8)
    ("kept", "demo"): (10.0, 300.0, 40.0),
    ("computed", "demo"): (20.0, 300.0, None),
    ("computed", "100k"): (40.0, None, None),
}
LARGE = 100_000
# how long a caller sends on an idle connection: less than the 5 s uvicorn keeps one
SERVER_KEEPS_IDLE_S = 4.0


@dataclass
class Target:
    """What the load asks of one data dir: a caseworker key, the challenges with their
    editions, each edition's participants, and profile texts for new participants."""

    key: str
    challenges: dict[int, int]
    members: dict[int, np.ndarray]
    texts: list[str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _target(settings, key: str) -> Target:
    """What the load asks of a data dir, read from its programme's tables."""
    from training_data.dataset import read_programme

    programme = read_programme(settings.programme_dir)
    challenges = dict(
        zip(
            programme.challenges["challenge_id"].astype(int),
            programme.challenges["edition_id"].astype(int),
            strict=True,
        )
    )
    people = programme.participants
    members = {
        int(e): group["participant_id"].to_numpy() for e, group in people.groupby("edition_id")
    }
    return Target(key, challenges, members, people["profile_text"].iloc[:500].tolist())


def _open(settings) -> str:
    """Open a prepared data dir once, as a first start does (a trained ranker when its
    outcomes allow, and the demo keys), and take its caseworker key for the load."""
    from service.demo import prepare_demo

    runtime, keys = prepare_demo(settings, say=lambda _m: None)
    runtime.close()
    made = {role: key for role, key, _ in keys}
    if "caseworker" not in made:
        raise RuntimeError(f"{settings.data_dir} already holds access keys; give a fresh data dir")
    return made["caseworker"]


def prepare_demo_dir(data_dir: Path, cache: Path | None) -> Target:
    """The demo data dir (made by ``prepare_demo``)."""
    from matching.settings import Settings

    settings = Settings(data_dir=data_dir)
    if cache is not None and cache.is_file():
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(cache, settings.cache_dir / "embeddings.npz")
    return _target(settings, _open(settings))


def prepare_large_dir(folder: Path, model_path: str, participants: int = LARGE) -> Path:
    """A data dir of ``participants`` generated people with its index built, as the
    scale benchmark prepares one (see :mod:`evaluation.scale`), opened once and given a
    caseworker key (in ``folder/key``); returns the data dir. Kept in ``folder`` and
    reused when it is there already."""
    from evaluation import scale

    settings = scale.settings_for(folder, model_path)
    if not (folder / "key").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        scale.prepare(folder, model_path, participants, seed=1)
        scale.build_index(folder, model_path)
        (folder / "key").write_text(_open(settings), encoding="utf-8")
    return settings.data_dir


class _Caller:
    """One keep-alive connection. The standard library's client costs a fraction of a
    millisecond a request, so the figures are the service's: a richer client spent as
    much CPU per request as the route it was measuring.

    Like any HTTP client that keeps connections, it does not send on a connection idle
    longer than the server keeps one open (uvicorn closes it after 5 s): it opens a new
    one, and the time that takes is the request's. Sent on the closed connection, the
    request got no answer; that happened to the callers that finished their warm-up
    first when the 100,000-participant mix kept the others warming up for seconds."""

    def __init__(self, base: str, key: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"X-API-Key": key, "Content-Type": "application/json"}
        self.last_answer = time.monotonic()

    def ask(self, method: str, path: str, body: dict | None) -> tuple[float, int]:
        """(seconds taken, the answer's HTTP status; 0 when none came)."""
        payload = None if body is None else json.dumps(body).encode()
        start = time.perf_counter()
        if time.monotonic() - self.last_answer > SERVER_KEEPS_IDLE_S:
            self.connection.close()  # the next request opens a new connection
        try:
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
            response.read()
            answered = response.status
        except (http.client.HTTPException, OSError):
            self.connection.close()
            answered = 0
        self.last_answer = time.monotonic()
        return time.perf_counter() - start, answered


Request = tuple[str, str, dict | None, int]  # method, path, body, expected status


class Workload:
    """The requests of one way of asking, handed out in turn to any number of callers."""

    def __init__(self, target: Target, kind: str, seed: int = 1) -> None:
        self.target, self.kind = target, kind
        rng = np.random.default_rng(seed)
        combos = list(itertools.product(sorted(target.challenges), KS, LANGUAGES))
        order = rng.permutation(len(combos))
        self._reads = itertools.cycle([combos[i] for i in order])
        self._fixed = (min(target.challenges, key=lambda c: (-target.challenges[c], c)), 10, "en")
        self._rng = rng
        self._count = itertools.count()
        self._last: tuple[int, int] = self._fixed[:1] * 2

    def next(self) -> tuple[str, Request]:
        """(``read`` or ``write``, the request)."""
        n = next(self._count)
        if self.kind == "mix" and n % (READS_PER_WRITE + 1) == READS_PER_WRITE:
            return "write", self._write(n // (READS_PER_WRITE + 1))
        cid, k, language = self._fixed if self.kind == "kept" else next(self._reads)
        return "read", ("GET", f"/challenges/{cid}/shortlist?k={k}&language={language}", None, 200)

    def _write(self, n: int) -> Request:
        """An outcome for a person of a challenge's edition, or a new participant."""
        cid = int(self._rng.choice(list(self.target.challenges)))
        edition = self.target.challenges[cid]
        if n % 2 == 0:
            person = int(self._rng.choice(self.target.members[edition]))
            body = {
                "challenge_id": cid,
                "participant_id": person,
                "event": "interviewed",
                "client_key": uuid.uuid4().hex,
            }
            return "POST", "/outcomes", body, 201
        text = self.target.texts[n % len(self.target.texts)]
        body = {"edition_id": edition, "display_name": f"Load {n}", "profile_text": text}
        return "POST", "/participants", body, 201


def _worker_cpu_seconds(pid: int) -> float | None:
    """The served worker's CPU time so far (user and system), where ``/proc`` tells it.
    Steadier than a rate on a machine whose speed varies from hour to hour."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(base: str, key: str, workload: Workload, callers: int, total: int, worker: int) -> dict:
    """``total`` requests of ``workload`` from ``callers`` connections at once (after a
    warm-up); latencies per kind of request, errors, wall seconds, and the CPU time of
    the ``worker`` process a request (None where it cannot be read)."""
    connections = [_Caller(base, key) for _ in range(callers)]
    lock = threading.Lock()

    def take() -> tuple[str, Request]:
        with lock:
            return workload.next()

    for connection in connections:
        for _ in range(WARM_UP // callers):
            connection.ask(*take()[1][:3])
    results: list[list[tuple[str, float, int, int]]] = [[] for _ in connections]

    def ask(i: int) -> None:
        for _ in range(total // callers):
            kind, request = take()
            method, path, body, expect = request
            results[i].append((kind, *connections[i].ask(method, path, body), expect))

    cpu_before, start = _worker_cpu_seconds(worker), time.perf_counter()
    with ThreadPoolExecutor(callers) as pool:
        list(pool.map(ask, range(callers)))
    wall, cpu_after = time.perf_counter() - start, _worker_cpu_seconds(worker)
    answers = [a for per in results for a in per]
    cpu_used = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    kinds = ("read", "write")
    times = {kind: np.array([t for k, t, _, _ in answers if k == kind]) for kind in kinds}
    wrong = Counter(f"{kind} {got or 'none'}" for kind, _, got, expect in answers if got != expect)
    return {
        "times": times,
        "errors": sum(wrong.values()),
        "error_answers": dict(sorted(wrong.items())),
        "wall": wall,
        "count": len(answers),
        "worker_cpu_ms": None if cpu_used is None else round(cpu_used / len(answers) * 1000, 2),
    }


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
    deadline = time.monotonic() + 900
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


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _ms(values: np.ndarray, q: float) -> float | None:
    return round(float(np.percentile(values, q)) * 1000, 2) if len(values) else None


def _row(name: str, measured: float, unit: str, target: float | None, **extra) -> dict:
    """A benchmark row, against its target when it has one."""
    if target is not None:
        lower = unit == "ms"
        return benchmark_result(name, measured, unit, target, lower_is_better=lower, **extra)
    row = {"name": name, "measured": round(measured, 4), "unit": unit, "target": None}
    return row | {"ratio": None, "met": None, **extra}


def _result(data: str, path: str, callers: int, run: dict, load: float) -> dict:
    """The benchmark row of one run: at one caller its p99, at several its rate, each
    against its target where there is one; the other figures beside it."""
    reads, writes = run["times"]["read"], run["times"]["write"]
    p99_target, rps_target, p99_many_target = TARGETS.get((path, data), (None, None, None))
    rate = run["count"] / run["wall"]
    extra = {
        "data": data,
        "path": path,
        "concurrency": callers,
        "requests_per_s": round(rate, 1),
        "p50_ms": _ms(reads, 50),
        "p99_ms": _ms(reads, 99),
        "max_ms": _ms(reads, 100),
        "worker_cpu_ms": run["worker_cpu_ms"],
        "errors": run["errors"],
        "error_answers": run["error_answers"],
        "load_average": load,
    }
    if len(writes):
        extra |= {"writes": len(writes), "write_p50_ms": _ms(writes, 50)}
        extra |= {"write_p99_ms": _ms(writes, 99)}
    name = f"API shortlist, {data}, {path}, {callers} at a time"
    if callers == 1:
        return _row(f"{name}, p99", extra["p99_ms"], "ms", p99_target, **extra)
    if rps_target is not None:
        return _row(f"{name}, rate", rate, "requests/s", rps_target, **extra)
    return _row(f"{name}, p99", extra["p99_ms"], "ms", p99_many_target, **extra)


def _measure(data: str, data_dir: Path, target: Target) -> list[dict]:
    """Every way of asking, at one caller and at eight, against one served data dir."""
    server, base = _serve(data_dir)
    rows: list[dict] = []
    try:
        for path in ("kept", "computed", "mix"):
            total = REQUESTS if path == "kept" else COMPUTED_REQUESTS
            for callers in (1, CONCURRENCY):
                run = _run(base, target.key, Workload(target, path), callers, total, server.pid)
                rows.append(_result(data, path, callers, run, _load_average()))
    finally:
        server.terminate()
        server.wait(timeout=60)
    return rows


def shortlist_load(
    work: Path,
    cache: Path | None,
    model_path: str,
    large: int = LARGE,
    large_dir: Path | None = None,
) -> list[dict]:
    """The shortlist route, kept, computed and mixed with writes, on the demo and on a
    ``large``-participant data dir (prepared in ``large_dir`` and reused from there
    when given; each run serves a copy, so that one run's writes do not reach the
    next). ``large`` 0 leaves the large data dir out."""
    from matching.settings import Settings

    rows = _measure("demo", work / "demo", prepare_demo_dir(work / "demo", cache))
    if large:
        folder = large_dir or work / "large"
        built = prepare_large_dir(folder, model_path, large)
        served = work / "large-served"
        shutil.copytree(built, served)
        settings = Settings(data_dir=served, embedding_model=model_path)
        target = _target(settings, (folder / "key").read_text(encoding="utf-8"))
        rows.extend(_measure(f"{large // 1000}k", served, target))
    return rows
