"""The static bulk model measured against the sentence model it was distilled from.

On real texts (postings, CVs; :mod:`evaluation.real_text`) and on a generated city
programme, each model embeds the same documents the engine embeds (a record's text with
the English labels of what was read in it) and the same challenge texts (a posting
becomes a challenge as a caseworker makes one: its title and description, with the
essential skills :meth:`Matcher.suggest_challenge` reads in it). Reported:

- speed: documents embedded per second, each model, uncached;
- agreement of retrieval: for every challenge, the static model's top 20 and top 50
  participants against MiniLM's (exact search both; a posting never retrieves its own
  text): top-20 overlap and recall@50 against MiniLM, the figure that decides whether
  the static model may be the default for bulk work (at least 0.95); and on the
  generated programme, the top-20 overlap of whole shortlists (retrieval, the rules'
  scoring, the re-rank), where the similarity is one feature among many;
- niche accuracy on the real texts (top-1 / top-3, catalogue evidence and the
  zero-shot embedding baseline), each model.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.benchmarks import CITY, benchmark_result
from evaluation.real_text import (
    CATALOGUE,
    ZERO_SHOT,
    niches_of_texts,
    read_real_texts,
    text_only_records,
)
from evaluation.systems import engine_over
from matching.challenge_view import ChallengeView, challenge_text
from matching.engine import Matcher
from models.embedder import Embedder
from training_data.generator import generate

RECALL_BAR = 0.95  # recall@50 against MiniLM the static model needs to be the bulk default


def _figure(name: str, value: float, **extra) -> dict:
    """A measured figure with no target (a benchmark table row)."""
    return {
        "name": name,
        "measured": round(value, 4),
        "unit": "",
        "target": None,
        "ratio": None,
        "met": None,
        **extra,
    }


def _seconds(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, float]:
    """Vectors of ``texts`` from a fresh (uncached) copy of ``embedder``, and the time."""
    fresh = Embedder(embedder.model_path, embedder.batch_size)
    fresh.encode(["warm-up"])
    start = time.perf_counter()
    vectors = fresh.encode(texts)
    return vectors, time.perf_counter() - start


def posting_challenges(matcher: Matcher, texts: list[str]) -> list[str]:
    """Each posting's challenge text, its skills as the challenge form suggests them."""
    out = []
    index = matcher.catalogue.skill_index
    for text in texts:
        title, _, description = text.partition(".\n")
        suggestion = matcher.suggest_challenge(title, description)
        essential = [index[s.uri] for s in suggestion.essential_skills]
        out.append(challenge_text(title, description, essential, matcher.catalogue))
    return out


def agreement(
    queries: dict[str, np.ndarray], pool: dict[str, np.ndarray], own: np.ndarray | None
) -> dict[str, float]:
    """Top-20 overlap and recall@50 of the static model's exact search against
    MiniLM's; ``own[q]`` is the pool row of query q's own text (never retrieved)."""
    top = {}
    for kind in ("static", "transformer"):
        scores = queries[kind] @ pool[kind].T
        if own is not None:
            scores[np.arange(len(own)), own] = -np.inf
        top[kind] = np.argsort(-scores, axis=1, kind="stable")[:, :50]

    def overlap(k: int) -> float:
        pairs = zip(top["static"][:, :k], top["transformer"][:, :k], strict=True)
        return float(np.mean([len(np.intersect1d(a, b)) / k for a, b in pairs]))

    return {"top20_overlap": overlap(20), "recall50": overlap(50)}


def _compare(
    name: str,
    docs: list[str],
    queries: list[str],
    own: np.ndarray | None,
    models: dict[str, Embedder],
) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Speed and agreement rows, and each model's vectors of ``docs``."""
    pool, asked, rates = {}, {}, {}
    for kind, embedder in models.items():
        pool[kind], seconds = _seconds(embedder, docs)
        asked[kind] = _seconds(embedder, queries)[0]
        rates[kind] = len(docs) / seconds
    found = agreement(asked, pool, own)
    size = {"texts": len(docs), "challenges": len(queries)}
    mean_chars = round(float(np.mean([len(d) for d in docs])), 1)
    rows = [
        benchmark_result(
            f"bulk embedding: static model, {name}",
            rates["static"],
            "profiles/s",
            2000.0,
            lower_is_better=False,
            transformer_per_s=round(rates["transformer"], 1),
            mean_characters=mean_chars,
            **size,
        ),
        benchmark_result(
            f"bulk embedding: recall@50 against MiniLM, {name}",
            found["recall50"],
            "",
            RECALL_BAR,
            lower_is_better=False,
            top20_overlap=round(found["top20_overlap"], 4),
            **size,
        ),
    ]
    return rows, pool


def shortlist_overlap(programme, pool: dict[str, np.ndarray], models: dict[str, Embedder]) -> dict:
    """Top-20 overlap of every challenge's shortlist made by two engines over the same
    programme and outcomes, one per model (each given its model's vectors of the
    profiles): retrieval, the rules' scoring of the candidates and the re-rank, where
    the text's similarity is one feature among many."""
    lists = {}
    for kind, embedder in models.items():
        engine = engine_over(programme, embedder, pool[kind])
        lists[kind] = [
            {c.participant_id for c in engine.shortlist(int(cid), k=20).candidates}
            for cid in programme.challenges["challenge_id"]
        ]
    pairs = zip(lists["static"], lists["transformer"], strict=True)
    return {"top20_overlap": float(np.mean([len(a & b) / max(len(b), 1) for a, b in pairs]))}


def _niche_rows(sources: list[tuple[Path, pd.DataFrame]], models: dict[str, Embedder]) -> list:
    rows = []
    for kind, embedder in models.items():
        result = niches_of_texts(sources, embedder)
        for source in result["sources"]:
            for system in (CATALOGUE, ZERO_SHOT):
                figures = source["systems"][system]
                rows.append(
                    _figure(
                        f"bulk embedding: niche top-1, {system}, {kind} model, "
                        f"{Path(source['file']).name}",
                        figures["top1"],
                        top3=round(figures["top3"], 4),
                        texts=figures["texts"],
                    )
                )
    return rows


def bulk_embedding_comparison(
    real_text: list[Path], transformer: Embedder, static: Embedder
) -> list[dict]:
    """Benchmark rows comparing the static model with the sentence model (see the
    module docstring)."""
    models = {"static": static, "transformer": transformer}
    reader = Matcher(transformer)  # reads texts and suggests skills; embeds nothing here
    rows = []
    programme = generate(CITY)
    docs = reader.profile_documents(programme.participants)
    challenges = [
        ChallengeView.from_record(r, reader.catalogue).text
        for r in programme.challenges.to_dict("records")
    ]
    found, pool = _compare("generated city programme", docs, challenges, None, models)
    overlap = shortlist_overlap(programme, pool, models)["top20_overlap"]
    rows += [
        *found,
        _figure(
            "bulk embedding: shortlist top-20 overlap with MiniLM's, generated city programme "
            "(rules scoring)",
            overlap,
            challenges=len(challenges),
        ),
    ]
    if real_text:
        sources = [(Path(p), read_real_texts(p)) for p in real_text]
        texts = pd.concat([frame for _, frame in sources], ignore_index=True)
        docs = reader.profile_documents(text_only_records(texts["text"].tolist()))
        postings = np.flatnonzero(
            np.concatenate([np.full(len(f), not p.is_dir()) for p, f in sources])
        )
        queries = posting_challenges(reader, texts["text"].iloc[postings].tolist())
        rows += _compare("real postings and CVs", docs, queries, postings, models)[0]
        rows += _niche_rows(sources, models)
    return rows
