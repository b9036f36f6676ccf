"""Niche assignment measured on real free text that nobody on the project wrote.

A real-text file is a CSV with a ``niche`` label per row and the text in ``titulo`` and
``descripcion`` (the EURES development set's columns; any other column, such as the
ESCO occupation the label came from, is never shown to the system). Each row becomes a
participant whose record holds nothing but that text, as when a caseworker pastes a
posting or a CV, and the engine ranks the 13 niches for it. Reported: top-1 and top-3
accuracy overall and per niche, and the confusion of the top-1 choice, for the
catalogue evidence (what the engine serves for a text-only record), the learned niche
model forced onto these records (when a programme to train it on is given; it shows why
the engine does not use it for them) and a zero-shot embedding baseline (the raw text
against the niche descriptions).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from matching.domain.catalogue import NICHE_CODES
from matching.domain.records import ParticipantProfile, without_hidden_characters
from matching.engine import Matcher
from matching.pool import PROFILE_COLUMNS
from models.embedder import Embedder

TEXT_COLUMNS = ("titulo", "descripcion")
CATALOGUE = "catalogue evidence"
LEARNED = "learned niche model (forced)"
ZERO_SHOT = "zero-shot embedding"


class RealTextError(ValueError):
    """The real-text file is missing, unreadable or lacks what the evaluation needs."""


def read_real_texts(path: Path) -> pd.DataFrame:
    """The rows of a real-text file: ``niche`` and ``text`` (title and description)."""
    path = Path(path)
    if not path.is_file():
        raise RealTextError(f"{path} is not a file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RealTextError(f"{path} is not a readable CSV file: {exc}") from None
    missing = [c for c in ("niche", *TEXT_COLUMNS) if c not in frame.columns]
    if missing:
        raise RealTextError(f"{path} lacks the column(s): {', '.join(missing)}")
    unknown = sorted(set(frame["niche"]) - set(NICHE_CODES))
    if unknown:
        row = int(frame.index[frame["niche"] == unknown[0]][0]) + 2
        raise RealTextError(f"{path}, line {row}: unknown niche {unknown[0]!r}")
    if frame.empty:
        raise RealTextError(f"{path} has no rows")
    text = (frame["titulo"].str.strip() + ".\n" + frame["descripcion"].str.strip()).str.strip()
    # postings carry stray control characters (a euro sign decoded as U+0080): a
    # record holds none, so they go before the texts become records
    return pd.DataFrame({"niche": frame["niche"], "text": text.map(without_hidden_characters)})


def text_only_records(texts: list[str]) -> pd.DataFrame:
    """Participant records that hold only a profile text (every other field at the
    default a caseworker's form gives)."""
    rows = []
    for i, text in enumerate(texts, start=1):
        profile = ParticipantProfile(
            edition_id=1, display_name=f"text {i}", profile_text=text[:5000]
        ).model_dump()
        profile.update(participant_id=i, experience_niches=[], experience_years=[])
        rows.append(profile)
    return pd.DataFrame(rows)[list(PROFILE_COLUMNS)]


def _accuracy(scores: np.ndarray, target: np.ndarray) -> dict:
    order = np.argsort(-scores, axis=1, kind="stable")
    top1 = order[:, 0] == target
    top3 = (order[:, :3] == target[:, None]).any(axis=1)
    per_niche = {
        NICHE_CODES[k]: {
            "n": int((target == k).sum()),
            "top1": float(top1[target == k].mean()),
            "top3": float(top3[target == k].mean()),
        }
        for k in np.unique(target)
    }
    confusion = pd.crosstab(
        pd.Series([NICHE_CODES[t] for t in target], name="label"),
        pd.Series([NICHE_CODES[p] for p in order[:, 0]], name="top-1"),
    )
    return {
        "top1": float(top1.mean()),
        "top3": float(top3.mean()),
        "per_niche": per_niche,
        "confusion": {row: confusion.loc[row].to_dict() for row in confusion.index},
    }


def real_text_niches(path: Path, embedder: Embedder, niche_model=None) -> dict:
    """Niche accuracy on the file's texts (see the module docstring)."""
    rows = read_real_texts(path)
    target = np.array([NICHE_CODES.index(c) for c in rows["niche"]])
    matcher = Matcher(embedder)
    records = text_only_records(rows["text"].tolist())
    empty = pd.DataFrame(columns=["challenge_id"])
    matcher.load_programme(records, empty, persist=False)
    ids = records["participant_id"].to_numpy()
    systems = {CATALOGUE: matcher.niche_scores(ids, learned=False)}
    if niche_model is not None:
        matcher.use_niche_model(niche_model, "evaluation")
        systems[LEARNED] = matcher.niche_scores(ids, learned=True)
    niche_vectors = matcher.niche_catalogue_index().vectors
    text_vectors = embedder.encode(rows["text"].tolist())
    systems[ZERO_SHOT] = np.max(text_vectors @ niche_vectors.transpose(0, 2, 1), axis=0)
    languages = pd.Series([matcher.read_text(t).language for t in rows["text"]])
    return {
        "file": str(path),
        "texts": len(rows),
        "languages": {str(k): int(v) for k, v in languages.value_counts(dropna=False).items()},
        "labels": {NICHE_CODES[k]: int((target == k).sum()) for k in np.unique(target)},
        "systems": {name: _accuracy(scores, target) for name, scores in systems.items()},
    }


def real_text_section(result: dict) -> list[str]:
    """The report's section on real text."""
    lines = [
        f"`{result['file']}`: {result['texts']} texts, each read as a participant record "
        "holding only that text (title and description). Detected languages: "
        + ", ".join(f"{k} {v}" for k, v in result["languages"].items())
        + ".",
        "",
        "| ranking | top-1 | top-3 |",
        "|---|---|---|",
    ]
    for name, r in result["systems"].items():
        lines.append(f"| {name} | {r['top1']:.3f} | {r['top3']:.3f} |")
    names = list(result["systems"])
    lines += [
        "",
        "Per niche (top-1 / top-3):",
        "",
        "| niche | texts | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for niche, count in result["labels"].items():
        cells = [
            f"{result['systems'][n]['per_niche'][niche]['top1']:.2f} / "
            f"{result['systems'][n]['per_niche'][niche]['top3']:.2f}"
            for n in names
        ]
        lines.append(f"| {niche} | {count} | " + " | ".join(cells) + " |")
    shown = names[0]
    confusion = result["systems"][shown]["confusion"]
    columns = sorted({c for row in confusion.values() for c in row})
    lines += [
        "",
        f"Confusion of the top-1 choice ({shown}; rows: label, columns: top-1):",
        "",
        "| label | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for label, row in confusion.items():
        lines.append(f"| {label} | " + " | ".join(str(row.get(c, 0)) for c in columns) + " |")
    return lines
