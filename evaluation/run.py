"""`milma evaluate`: run the protocol on a programme folder and/or a real-text file and
write the report."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from evaluation.niches import language_check as check_languages
from evaluation.niches import language_section, niche_accuracy, niche_section
from evaluation.protocol import latest_edition, run_split
from evaluation.real_text import real_text_niches, real_text_section
from evaluation.report import write_report
from evaluation.summary import summarise_folds, summarise_split
from evaluation.systems import EvalData, default_systems
from matching.engine import Matcher
from matching.training import train_niche_model
from models.embedder import Embedder
from training_data.dataset import config_from_manifest, read_programme, read_truth

log = logging.getLogger(__name__)


def load_eval_data(folder: Path, embedder: Embedder) -> EvalData:
    """Programme tables, hidden truth, and an engine loaded with every participant."""
    tables = read_programme(folder)
    truth = read_truth(folder)
    matcher = Matcher(embedder)
    matcher.load_programme(
        tables.participants,
        tables.challenges,
        tables.sensitive,
        persist=False,
        outcomes=tables.outcomes,
    )
    return EvalData(
        tables.participants, tables.challenges, tables.sensitive, tables.outcomes, truth, matcher
    )


def evaluate(
    folder: Path | None,
    out: Path,
    embedder: Embedder,
    folds: bool = True,
    language_check: bool = False,
    real_text: Path | None = None,
    say: Callable[[str], None] = log.info,
) -> dict:
    """On a programme folder: temporal split, niche accuracy, optional
    leave-one-edition-out folds and an optional English-vs-Spanish check. On a real-text
    file: niche accuracy on its texts (with a niche model trained on the programme, when
    one is given). Writes the report and returns the metrics dict."""
    if folder is None and real_text is None:
        raise ValueError("give a programme folder, a real-text file, or both")
    result: dict = {"sections": {}}
    niche_model = None
    if folder is not None:
        result.update(_programme(folder, embedder, folds, language_check, say))
        data = result.pop("_data")
        niche_model = train_niche_model(data.matcher, data.outcomes, data.edition_of()).ranker
    if real_text is not None:
        say(f"reading {real_text}")
        result["real_text"] = real_text_niches(real_text, embedder, niche_model)
        result["sections"]["Niche assignment on real text"] = real_text_section(result["real_text"])
    write_report(result, out)
    return result


def _programme(
    folder: Path,
    embedder: Embedder,
    folds: bool,
    language_check: bool,
    say: Callable[[str], None],
) -> dict:
    say("embedding the programme")
    data = load_eval_data(folder, embedder)
    test = latest_edition(data)
    say(f"temporal split: testing on edition {test}")
    main = run_split(data, default_systems(), test)
    editions = sorted(int(e) for e in data.challenges["edition_id"].unique())
    result = {
        "data": str(folder),
        "participants": len(data.participants),
        "editions": len(editions),
        "challenges": len(data.challenges),
        "main": summarise_split(main),
        "sections": {},
        "_data": data,
    }
    say("niche assignment")
    result["niches"] = niche_accuracy(data, test)
    result["sections"]["Niche assignment (held-out edition)"] = niche_section(result["niches"])
    if language_check:
        say("English vs Spanish profiles")
        config = config_from_manifest(read_programme(folder).manifest)
        result["language"] = check_languages(config, embedder)
        result["sections"]["Spanish profile text"] = language_section(result["language"])
    if folds and len(editions) > 2:
        fold_results = []
        for edition in editions:
            say(f"fold: testing on edition {edition}")
            fold_results.append(
                run_split(data, default_systems(), edition, temporal=False, audits=False)
            )
        result["folds"] = summarise_folds(fold_results)
    return result
