"""The engine at city-region size: load time, peak memory, shortlist latency per filter
kind, recall against exact search, and start-up from the saved index.

Embedding a million profiles takes hours on this machine, so the participants' vectors
are imported in bulk, as ``Matcher.load_programme(vectors=...)`` allows: a sample of
generated profiles is embedded for real (all-MiniLM-L6-v2), and every other participant
gets one of those vectors plus Gaussian noise (sigma 0.025 per dimension, renormalised).
The records themselves are generated and read in full (their texts, skills, years), so
the pool, the features and the filters are those of a real engine. The challenges are
embedded for real while preparing, and their vectors reach the engine through its
embedding cache, as they reach a service that embedded them when they were created:
the load measured is reading records, importing vectors and building the index.

The programme is written into a service data dir and imported into its database while
preparing. The engine is built in a child process, so that the peak memory reported is
the engine's own and not the generator's. Two more children then open the data dir as
``milma serve`` does: a first start, which reads the database and saves the engine's
tables, and a restart, which reads those tables, the saved index and the readings.
"""

from __future__ import annotations

import multiprocessing
import queue
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.benchmarks import benchmark_result
from matching.engine import Matcher
from matching.pool import PROFILE_COLUMNS
from matching.recall_probe import recall_probe
from matching.search_filter import SearchFilter
from matching.settings import Settings
from models.embedder import Embedder
from service.runtime import ensure_database, open_runtime
from training_data.config import GeneratorConfig
from training_data.dataset import read_programme, write_programme
from training_data.generator import generate

NOISE = 0.025
SAMPLE = 4000
EDITIONS = 40
FILTERS = {
    "own edition": {},
    "whole programme": {"whole_programme": True},
    "consent only": {"whole_programme": True, "consent_only": True},
}


def _peak_rss_gb() -> float:
    """This process's peak resident memory. Read from ``/proc`` (VmHWM), which starts
    afresh in a spawned child; ``getrusage`` keeps the parent's peak across the exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def noisy_vectors(sample: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` unit vectors: the sample's, cycled, each with its own noise."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, sample.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        stop = min(count, start + 100_000)
        block = sample[np.arange(start, stop) % len(sample)]
        block += rng.normal(0.0, NOISE, block.shape).astype(np.float32)
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def prepare(
    folder: Path, model_path: str, participants: int, seed: int, noisy: bool = True
) -> None:
    """Generate the programme into a service data dir (its database included), with the
    bulk vectors beside it and the challenges' vectors in the data dir's embedding cache
    (without ``noisy``, neither: every profile and challenge is embedded by the build)."""
    config = GeneratorConfig(
        seed=seed,
        participants=participants,
        editions=EDITIONS,
        challenges=max(EDITIONS, participants // 100),
        truth=False,
    )
    programme = generate(config)
    settings = settings_for(folder, model_path)
    write_programme(programme, settings.programme_dir)
    if noisy:
        _noisy_sample(folder, settings, model_path, programme, seed)
    del programme
    database, _, _ = ensure_database(settings)
    database.dispose()


def _noisy_sample(folder: Path, settings: Settings, model_path: str, programme, seed: int) -> None:
    """Embed a sample of the profiles and the challenges; write every participant's
    vector as a sample vector plus noise."""
    sample = programme.participants.iloc[:SAMPLE]
    small = Matcher(Embedder(model_path), data_dir=settings.data_dir)  # as _engine's
    small.load_programme(
        sample, programme.challenges, programme.sensitive, persist=False, outcomes=None
    )
    real = small.index.vectors(sample["participant_id"].to_numpy())
    small.embedder.save_cache(small.cache_file)
    np.save(folder / "vectors.npy", noisy_vectors(real, len(programme.participants), seed))


def _latencies(engine: Matcher, repeat: int, seed: int) -> dict[str, tuple[float, float]]:
    """Median and p99 milliseconds of a k=20 shortlist per filter kind, over distinct
    challenges (a shortlist is never served from the engine's keep)."""
    rng = np.random.default_rng(seed)
    known = list(engine.challenges)
    challenges = rng.choice(known, size=min(repeat + 1, len(known)), replace=False)
    out = {}
    for name, options in FILTERS.items():
        engine.shortlist(int(challenges[0]), k=20, **options)  # warm-up
        times = []
        for cid in challenges[1:]:
            start = time.perf_counter()
            engine.shortlist(int(cid), k=20, **options)
            times.append(time.perf_counter() - start)
        out[name] = (float(np.median(times)) * 1000, float(np.percentile(times, 99)) * 1000)
    return out


def _recalls(engine: Matcher, queries: int, seed: int) -> dict[str, float]:
    """Recall@50 of the index's own search against exact search, per filter kind."""
    rng = np.random.default_rng(seed + 1)
    known = list(engine.challenges)
    picked = rng.choice(known, size=min(queries, len(known)), replace=False)
    views = [engine.challenge(int(c)) for c in picked]
    vectors = engine.embedder.encode([v.text for v in views])
    index = engine.index
    own = np.mean(
        [
            recall_probe(index, vec, 50, SearchFilter(edition_id=v.edition_id))
            for vec, v in zip(vectors, views, strict=True)
        ]
    )
    return {
        "own edition": float(own),
        "whole programme": recall_probe(index, vectors, 50, SearchFilter()),
        "consent only": recall_probe(index, vectors, 50, SearchFilter(consent_only=True)),
    }


def settings_for(folder: Path, model_path: str, static_path: str | None = None) -> Settings:
    """The benchmark data dir's settings; with ``static_path``, embedding with that
    static model (``milma import --embedding static``)."""
    if static_path is None:
        return Settings(data_dir=folder / "engine", embedding_model=model_path)
    return Settings(
        data_dir=folder / "engine",
        embedding_model=model_path,
        bulk_model=static_path,
        embedding="static",
    )


def _engine(folder: Path, model_path: str, static_path: str | None = None) -> Matcher:
    """The engine as a service configures it, on the benchmark's own data dir."""
    settings = settings_for(folder, model_path, static_path)
    return Matcher.from_settings(settings, load_models=False)


def _engine_tables(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The tables a service hands its engine: of the participants, only the columns the
    engine reads (no names, contacts or notes)."""
    programme = read_programme(settings.programme_dir)
    participants = programme.participants[list(PROFILE_COLUMNS)]
    return participants, programme.challenges, programme.sensitive


def _build(
    folder: Path, model_path: str, repeat: int, seed: int, static_path: str | None, answer
) -> None:
    """Child process: load with the bulk vectors (or, with ``static_path``, embedding
    every profile with that static model), measure, save. An index and readings saved
    by an earlier run are dropped first, so the load is always a build."""
    settings = settings_for(folder, model_path, static_path)
    tables = _engine_tables(settings)
    vectors = None if static_path else np.load(folder / "vectors.npy", mmap_mode="r")
    engine = _engine(folder, model_path, static_path)
    shutil.rmtree(engine.index_root, ignore_errors=True)
    engine.readings_file.unlink(missing_ok=True)
    start = time.perf_counter()
    engine.load_programme(*tables, vectors=vectors)
    load = time.perf_counter() - start
    del tables, vectors
    answer.put(
        {
            "load_s": load,
            "embed_s": engine.embedder.seconds,
            "peak_rss_gb": _peak_rss_gb(),
            "latency": _latencies(engine, repeat, seed),
            "recall": _recalls(engine, min(200, repeat), seed),
            "probe": engine.index.probe,
            "index": engine.index.factory,
        }
    )


def _index_only(folder: Path, model_path: str, answer) -> None:
    """Child process: load with the bulk vectors and save the index and readings."""
    settings = settings_for(folder, model_path)
    vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    _engine(folder, model_path).load_programme(*_engine_tables(settings), vectors=vectors)
    answer.put({})


def build_index(folder: Path, model_path: str) -> None:
    """Build and save the index of a folder :func:`prepare` made (in a child process,
    as a service's first start would have it, without embedding every profile)."""
    _in_child(_index_only, folder, model_path)


def _restart(folder: Path, model_path: str, saved_tables: bool, answer) -> None:
    """Child process: a restarted service, opened as ``milma serve`` opens it (the
    database, the saved index and readings, and the saved tables when asked)."""
    start = time.perf_counter()
    runtime = open_runtime(settings_for(folder, model_path), saved_tables=saved_tables)
    ready = time.perf_counter() - start
    answer.put(
        {
            "ready_s": ready,
            "re_embedded": runtime.sync.added + runtime.sync.updated,
            "peak_rss_gb": _peak_rss_gb(),
        }
    )
    runtime.close()


def _in_child(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=target, args=(*args, answer))
    child.start()
    while True:
        try:
            result = answer.get(timeout=5)
            break
        except queue.Empty:
            if not child.is_alive():
                raise RuntimeError(f"the benchmark's {target.__name__} step failed") from None
    child.join()
    return result


def scale_benchmark(
    model_path: str, participants: int = 1_000_000, repeat: int = 200, seed: int = 1
) -> list[dict]:
    """Benchmark rows for an engine of ``participants`` (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="milma-scale-") as tmp:
        folder = Path(tmp)
        prepare(folder, model_path, participants, seed)
        return measure_prepared(folder, model_path, participants, repeat, seed)


def measure_prepared(
    folder: Path, model_path: str, participants: int, repeat: int = 200, seed: int = 1
) -> list[dict]:
    """Build and restart the engine on a folder :func:`scale_benchmark` prepared."""
    built = _in_child(_build, folder, model_path, repeat, seed, None)
    # the first start reads the database and saves the engine's tables; a restart,
    # what the target is about, reads those (see service.start_tables)
    first = _in_child(_restart, folder, model_path, False)
    restarted = _in_child(_restart, folder, model_path, True)
    size = {"participants": participants}
    rows = [
        benchmark_result(
            "scale: load (read records, import vectors, build index)",
            built["load_s"],
            "s",
            600.0,
            index=built["index"],
            **size,
        ),
        benchmark_result("scale: peak memory", built["peak_rss_gb"], "GB", 6.0, **size),
        benchmark_result(
            "scale: ready from the saved index and database",
            restarted["ready_s"],
            "s",
            60.0,
            re_embedded=restarted["re_embedded"],
            peak_rss_gb=round(restarted["peak_rss_gb"], 2),
            first_start_s=round(first["ready_s"], 1),
            **size,
        ),
    ]
    return rows + _search_rows(built, "scale", size)


def _search_rows(built: dict, label: str, size: dict) -> list[dict]:
    """Shortlist latency and recall rows of a build."""
    rows = []
    for name, (median, p99) in built["latency"].items():
        rows.append(
            benchmark_result(
                f"{label}: shortlist k=20, {name}, p99",
                p99,
                "ms",
                20.0,
                median_ms=round(median, 2),
                **size,
            )
        )
    for name, recall in built["recall"].items():
        rows.append(
            benchmark_result(
                f"{label}: recall@50, {name}",
                recall,
                "",
                0.98,
                lower_is_better=False,
                probe=built["probe"],
                **size,
            )
        )
    return rows


def static_scale_benchmark(
    model_path: str,
    static_path: str,
    participants: int = 1_000_000,
    repeat: int = 200,
    seed: int = 1,
) -> list[dict]:
    """The scale benchmark's build with no noise copies: every profile (and challenge)
    embedded by the static model, as ``milma import --embedding static`` embeds them;
    the embedding's own time is reported beside the whole load's."""
    with tempfile.TemporaryDirectory(prefix="milma-scale-static-") as tmp:
        folder = Path(tmp)
        prepare(folder, model_path, participants, seed, noisy=False)
        built = _in_child(_build, folder, model_path, repeat, seed, static_path)
    size = {"participants": participants}
    label = "scale, every profile embedded (static model)"
    rows = [
        benchmark_result(
            f"{label}: load (read records, embed, build index)",
            built["load_s"],
            "s",
            600.0,
            index=built["index"],
            **size,
        ),
        benchmark_result(
            f"{label}: embedding",
            participants / built["embed_s"],
            "profiles/s",
            2000.0,
            lower_is_better=False,
            embed_s=round(built["embed_s"], 1),
            **size,
        ),
        benchmark_result(f"{label}: peak memory", built["peak_rss_gb"], "GB", 6.0, **size),
    ]
    return rows + _search_rows(built, label, size)
