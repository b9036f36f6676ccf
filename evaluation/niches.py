"""Niche assignment quality, and how the embedding model copes with Spanish profiles."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from evaluation.protocol import run_split
from evaluation.summary import table
from evaluation.systems import EmbeddingSystem, EngineSystem, EvalData, RawTextSystem
from matching.domain.vocabulary import relevance_from_events
from matching.training import train_niche_model
from training_data.config import GeneratorConfig
from training_data.generator import generate


def niche_accuracy(data: EvalData, test_edition: int) -> dict:
    """Top-1 / top-3 accuracy against the niche where each test-edition participant
    completed training or was hired; model trained on earlier editions only."""
    m = data.matcher
    editions = data.edition_of()
    edition = data.outcomes["challenge_id"].map(editions)
    train = data.outcomes[(edition < test_edition).to_numpy()]
    test = relevance_from_events(data.outcomes[(edition == test_edition).to_numpy()])
    test = test[test["relevance"] >= 2].drop_duplicates("participant_id")
    target = np.array([m.challenge(c).niche for c in test["challenge_id"]])
    ids = test["participant_id"].to_numpy()
    previous = (m.niche_model, m.niche_model_version)
    result = {"participants": len(ids)}
    try:
        model = train_niche_model(m, train, editions)
        m.use_niche_model(model.ranker, "evaluation")
        for name, learned in (("learned niche model", True), ("catalogue evidence", False)):
            order = np.argsort(-m.niche_scores(ids, learned=learned), axis=1, kind="stable")
            result[name] = {
                "top1": float(np.mean(order[:, 0] == target)),
                "top3": float(np.mean([t in o[:3] for t, o in zip(target, order, strict=True)])),
            }
    finally:
        m.use_niche_model(*previous)
    return result


def niche_section(result: dict) -> list[str]:
    lines = [
        f"Held-out edition: {result['participants']} participants who completed training or "
        "were hired; the target is the niche of that challenge.",
        "",
        "| ranking | top-1 | top-3 |",
        "|---|---|---|",
    ]
    for name in ("learned niche model", "catalogue evidence"):
        r = result[name]
        lines.append(f"| {name} | {r['top1']:.3f} | {r['top3']:.3f} |")
    return lines


def language_check(config: GeneratorConfig, embedder) -> dict:
    """The same programme written all in English, all in Spanish and all in French: what
    the embedding model loses on each language (shortlist NDCG@10 and niche top-3)."""
    from evaluation.protocol import latest_edition

    out = {}
    for language, spanish, french in (
        ("English", 0.0, 0.0),
        ("Spanish", 1.0, 0.0),
        ("French", 0.0, 1.0),
    ):
        programme = generate(replace(config, spanish_share=spanish, french_share=french))
        data = EvalData.from_programme(programme, embedder)
        test = latest_edition(data)
        systems = [RawTextSystem(), EmbeddingSystem(), EngineSystem(learned=True)]
        split = run_split(data, systems, test, audits=False)
        means = table(split.counterfactual)
        niches = niche_accuracy(data, test)
        texts = programme.participants["profile_text"]
        out[language] = {
            "raw text ndcg@10": means["raw text cosine"]["ndcg@10"]["mean"],
            "embedding ndcg@10": means["embedding cosine"]["ndcg@10"]["mean"],
            "learned ndcg@10": means["learned ranker"]["ndcg@10"]["mean"],
            "niche catalogue top3": niches["catalogue evidence"]["top3"],
            "niche learned top3": niches["learned niche model"]["top3"],
            "mean words": float(texts.str.split().str.len().mean()),
        }
    return out


def language_section(result: dict) -> list[str]:
    lines = [
        "The same programme (same people and outcomes) with every profile written in "
        "English, then in Spanish, then in French, embedded with the configured model. Raw "
        "text cosine embeds only the words people wrote; embedding cosine embeds the profile "
        "together with the English labels of its normalised ESCO skills, as the engine does.",
        "",
        "| profiles in | raw text NDCG@10 | embedding NDCG@10 | learned NDCG@10 "
        "| niche catalogue top-3 | niche learned top-3 |",
        "|---|---|---|---|---|---|",
    ]
    for language, r in result.items():
        lines.append(
            f"| {language} | {r['raw text ndcg@10']:.3f} | {r['embedding ndcg@10']:.3f} "
            f"| {r['learned ndcg@10']:.3f} | {r['niche catalogue top3']:.3f} "
            f"| {r['niche learned top3']:.3f} |"
        )
    return lines
