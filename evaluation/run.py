"""`milma evaluate`: run the protocol on a programme folder and/or real-text sources and
write the report, the model card and the datasheet."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from evaluation.bias import bias_check, bias_section
from evaluation.model_card import write_datasheet, write_model_card
from evaluation.niches import language_check as check_languages
from evaluation.niches import language_section, niche_accuracy, niche_section
from evaluation.override_labels import override_label_check, override_label_section
from evaluation.placements import placement_section, placement_split, summarise_placements
from evaluation.protocol import latest_edition, run_split, test_editions
from evaluation.real_text import real_text_niches, real_text_section
from evaluation.report import write_report
from evaluation.summary import rising, summarise_curve, summarise_split, summarise_temporal
from evaluation.systems import EngineSystem, EvalData, OracleSystem, default_systems
from matching.training import train_niche_model, train_ranker
from models.embedder import Embedder
from models.ranker import OutcomeRanker
from training_data.dataset import (
    config_from_manifest,
    read_programme,
    read_truth,
    read_truth_manifest,
)

log = logging.getLogger(__name__)


def load_eval_data(folder: Path, embedder: Embedder) -> EvalData:
    """Programme tables, hidden truth, and an engine loaded with every participant and
    every outcome (the protocol cuts the history at each test edition)."""
    tables = read_programme(folder)
    return EvalData.from_programme(tables, embedder, truth=read_truth(folder))


def evaluate(
    folder: Path | None,
    out: Path,
    embedder: Embedder,
    folds: bool = True,
    language_check: bool = False,
    real_text: Sequence[Path] = (),
    bias: float | None = None,
    say: Callable[[str], None] = log.info,
) -> dict:
    """On a programme folder: the temporal protocol (every edition from the third, or
    only the latest without ``folds``), placements from the person's side, a learning
    curve, niche accuracy, fairness
    against merit, and optionally an English-vs-Spanish check and the same programme
    regenerated with a hiring ``bias``. On real-text sources (postings CSVs, CV folders):
    niche accuracy on their texts (with a niche model trained on the programme, when one
    is given). Writes the report (with a model card and a datasheet for a programme) and
    returns the metrics."""
    if folder is None and not real_text:
        raise ValueError("give a programme folder, real-text sources, or both")
    result: dict = {"sections": {}}
    niche_model = data = ranker = None
    if folder is not None:
        data = load_eval_data(folder, embedder)
        found, ranker = _programme(folder, data, embedder, folds, language_check, bias, say)
        result.update(found)
        niche_model = train_niche_model(data.matcher, data.outcomes, data.edition_of()).ranker
    if real_text:
        say("reading " + ", ".join(str(p) for p in real_text))
        result["real_text"] = real_text_niches(real_text, embedder, niche_model)
        result["sections"]["Niche assignment on real text"] = real_text_section(result["real_text"])
    write_report(result, out)
    if data is not None:
        write_model_card(result, data, ranker, out)
        write_datasheet(result, out)
    return result


def _programme(
    folder: Path,
    data: EvalData,
    embedder: Embedder,
    folds: bool,
    language_check: bool,
    bias: float | None,
    say: Callable[[str], None],
) -> tuple[dict, OutcomeRanker | None]:
    """The programme's part of the result, and the ranker evaluated on its latest edition."""
    latest = latest_edition(data)
    editions = test_editions(data) if folds else [latest]
    results, placements = [], []
    for edition in editions:
        say(f"temporal split: training on editions before {edition}, testing on it")
        systems = default_systems()
        results.append(run_split(data, systems, edition, audits=edition == latest))
        say(f"placements from the person's side, edition {edition}")
        placements.append(placement_split(data, systems, edition))
    learned = next(s for s in systems if isinstance(s, EngineSystem) and s.training is not None)
    manifest = read_programme(folder).manifest
    result = {
        "data": str(folder),
        "generator": manifest.get("generator", {}),
        "truth": read_truth_manifest(folder) if _has_truth_manifest(manifest) else {},
        "participants": len(data.participants),
        "editions": int(data.challenges["edition_id"].nunique()),
        "challenges": len(data.challenges),
        "companies": int(data.challenges["company_id"].nunique()),
        "main": summarise_split(results[-1]),
        "temporal": summarise_temporal(results),
        "placements": summarise_placements(placements),
        "sections": {},
    }
    result["sections"]["Placements from the person's side"] = placement_section(
        result["placements"]
    )
    if folds and latest > 2:
        say("learning curve")
        curve = {
            window: run_split(
                data,
                [EngineSystem(learned=False), EngineSystem(learned=True), OracleSystem()],
                latest,
                audits=False,
                window=window,
            )
            for window in range(1, latest)
        }
        result["learning_curve"] = summarise_curve(curve)
        result["learning_curve"]["trend"] = rising(result["learning_curve"])
    say("the promotion gate on the programme's own observed outcomes")
    result["promotion"] = promotion_check(data)
    result["sections"]["Promotion gate (observed outcomes only)"] = promotion_section(
        result["promotion"]
    )
    say("caseworkers' exclusions as labels (simulated)")
    result["override_labels"] = override_label_check(data)
    result["sections"]["Caseworkers' exclusions as training labels"] = override_label_section(
        result["override_labels"]
    )
    say("niche assignment")
    result["niches"] = niche_accuracy(data, latest)
    result["sections"]["Niche assignment (held-out edition)"] = niche_section(result["niches"])
    config = config_from_manifest(manifest)
    if language_check:
        say("English vs Spanish profiles")
        result["language"] = check_languages(config, embedder)
        result["sections"]["Spanish profile text"] = language_section(result["language"])
    if bias is not None:
        say(f"the same programme with a hiring bias of {bias}")
        result["bias_check"] = bias_check(replace(config, hiring_bias=bias), embedder)
        result["sections"][f"Under a hiring bias of {bias}"] = bias_section(result["bias_check"])
    return result, learned.training.ranker


def promotion_check(data: EvalData) -> dict:
    """What ``milma train`` would decide on this programme: the ranker trained on every
    edition but the latest against the rules on the latest's observed outcomes (no
    serving ranker yet, no hidden truth)."""
    return train_ranker(data.matcher, data.outcomes, data.edition_of()).metrics["promotion"]


def promotion_section(promotion: dict) -> list[str]:
    """The report's lines on the gate's decision."""
    lines = [f"Decision: **{promotion['decision']}** — {promotion['reason']}.", ""]
    for against, d in promotion.get("versus", {}).items():
        lines.append(
            f"- new ranker − {against}: {d['mean']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}] "
            f"NDCG@10 over {d['challenges']} challenges of {d['companies']} companies "
            "(95 % interval resampling companies)"
        )
    lines += [
        "",
        "The gate sees what a real programme sees: the recorded outcomes of the candidates "
        "caseworkers considered, not the hidden truth. Outcomes carry no offer "
        "propensities, so held-out candidates are weighted equally.",
    ]
    return lines


def _has_truth_manifest(manifest: dict) -> bool:
    return "truth/manifest.json" in manifest.get("files", {})
