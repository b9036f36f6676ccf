"""Niche assignment measured on real free text that nobody on the project wrote.

Two kinds of real-text source are read, each as a caseworker would meet it:

- **Postings**: a CSV with a ``niche`` label per row and the text in ``titulo`` and
  ``descripcion`` (the EURES development set's columns; any other column, such as the
  ESCO occupation the label came from, is never shown to the system).
- **CVs**: a folder holding a CSV with ``id`` and ``niche`` columns and the CV files
  themselves, ``<id>.pdf`` or ``<id>.docx``, beside it or in its ``pdf/`` folder. Each
  file is read by the service's CV reader (:func:`service.cv_files.cv_text`, the one
  an upload goes through) and cut, as an upload is, to the profile text's length;
  any text the CSV also carries is never used. A file the CV reader refuses is counted
  as unread and left out. The files fall in two fixed halves by a hash of their name
  (:func:`half_of`): misses of the "look" half may be read while improving the
  reader, the "held-out" half only measured; both are reported.

Each text becomes a participant whose record holds nothing but that text, as when a
caseworker pastes a posting or uploads a CV, and the engine ranks the 13 niches for it.
Reported per source and per language (as the reader detects it): top-1 and top-3
accuracy overall and per niche, and the confusion of the top-1 choice, for the
catalogue evidence (what the engine serves for a text-only record), the learned niche
model forced onto these records (when a programme to train it on is given; it shows why
the engine does not use it for them) and a zero-shot embedding baseline (the raw text
against the niche descriptions).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from matching.domain.catalogue import NICHE_CODES
from matching.domain.records import PROFILE_TEXT_MAX, ParticipantProfile, without_hidden_characters
from matching.engine import Matcher
from matching.pool import PROFILE_COLUMNS
from matching.settings import get_settings
from models.embedder import Embedder
from service.cv_files import CvFileError, cv_text

TEXT_COLUMNS = ("titulo", "descripcion")
CV_COLUMNS = ("id", "niche")
CV_SUFFIXES = (".pdf", ".docx")
CATALOGUE = "catalogue evidence"
LEARNED = "learned niche model (forced)"
ZERO_SHOT = "zero-shot embedding"
MIN_NICHE_TEXTS = 10  # niches with fewer texts are listed but not held to a bar
LOOK, HELD_OUT = "look", "held-out"


class RealTextError(ValueError):
    """The real-text source is missing, unreadable or lacks what the evaluation needs."""


def read_real_texts(path: Path) -> pd.DataFrame:
    """The texts of a source: ``niche`` and ``text`` per row (a postings CSV's title and
    description, or a CV folder's files as the CV reader reads them)."""
    path = Path(path)
    if path.is_dir():
        return _read_cvs(path)
    if not path.is_file():
        raise RealTextError(f"{path} is neither a CSV file nor a folder of CVs")
    frame = _labels(path, ("niche", *TEXT_COLUMNS))
    text = (frame["titulo"].str.strip() + ".\n" + frame["descripcion"].str.strip()).str.strip()
    # postings carry stray control characters (a euro sign decoded as U+0080): a
    # record holds none, so they go before the texts become records (the CV reader
    # drops them itself)
    return pd.DataFrame({"niche": frame["niche"], "text": text.map(without_hidden_characters)})


def _labels(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RealTextError(f"{path} is not a readable CSV file: {exc}") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RealTextError(f"{path} lacks the column(s): {', '.join(missing)}")
    unknown = sorted(set(frame["niche"]) - set(NICHE_CODES))
    if unknown:
        row = int(frame.index[frame["niche"] == unknown[0]][0]) + 2
        raise RealTextError(f"{path}, line {row}: unknown niche {unknown[0]!r}")
    if frame.empty:
        raise RealTextError(f"{path} has no rows")
    return frame


def _read_cvs(folder: Path) -> pd.DataFrame:
    """The CVs of a folder, read by the service's CV reader (see the module docstring)."""
    tables = [p for p in sorted(folder.glob("*.csv")) if _has_columns(p, CV_COLUMNS)]
    if len(tables) != 1:
        raise RealTextError(
            f"{folder} needs exactly one CSV with the columns {', '.join(CV_COLUMNS)} "
            f"(found {len(tables)})"
        )
    labels = _labels(tables[0], CV_COLUMNS)
    limit = get_settings().max_cv_bytes
    ids, niches, texts, unread = [], [], [], []
    for cv_id, niche in zip(labels["id"], labels["niche"], strict=True):
        file = _cv_file(folder, cv_id)
        try:
            if file is None:
                raise CvFileError("no PDF or DOCX file", "not_pdf_or_docx")
            text = cv_text(file.read_bytes(), limit).text
        except CvFileError as exc:
            unread.append(f"{cv_id}: {exc}")
            continue
        ids.append(cv_id)
        niches.append(niche)
        texts.append(profile_cut(text))
    if not texts:
        raise RealTextError(f"{folder}: no CV could be read ({'; '.join(unread[:3])})")
    frame = pd.DataFrame({"niche": niches, "text": texts})
    frame.attrs["unread"] = unread
    frame.attrs["half"] = [half_of(file_id) for file_id in ids]
    return frame


def half_of(cv_id: str) -> str:
    """The fixed half of a CV folder a file belongs to, by a hash of its file name:
    :data:`LOOK` (whose misses may be read while improving the reader) or
    :data:`HELD_OUT` (only ever measured)."""
    digest = hashlib.sha256(f"{cv_id}.pdf".encode()).hexdigest()
    return LOOK if int(digest, 16) % 2 == 0 else HELD_OUT


def _has_columns(path: Path, columns: Sequence[str]) -> bool:
    try:
        header = pd.read_csv(path, dtype=str, nrows=0).columns
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return False
    return all(c in header for c in columns)


def _cv_file(folder: Path, cv_id: str) -> Path | None:
    for place in (folder, folder / "pdf"):
        for suffix in CV_SUFFIXES:
            if (place / f"{cv_id}{suffix}").is_file():
                return place / f"{cv_id}{suffix}"
    return None


def profile_cut(text: str) -> str:
    """The text as a profile keeps it: cut at a word to the profile text's length, as
    an uploaded CV is."""
    if len(text) <= PROFILE_TEXT_MAX:
        return text
    return text[: PROFILE_TEXT_MAX + 1].rsplit(maxsplit=1)[0]


def text_only_records(texts: list[str]) -> pd.DataFrame:
    """Participant records that hold only a profile text (every other field at the
    default a caseworker's form gives)."""
    rows = []
    for i, text in enumerate(texts, start=1):
        profile = ParticipantProfile(
            edition_id=1, display_name=f"text {i}", profile_text=profile_cut(text)
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
        "texts": len(target),
        "top1": float(top1.mean()),
        "top3": float(top3.mean()),
        "per_niche": per_niche,
        "confusion": {row: confusion.loc[row].to_dict() for row in confusion.index},
    }


def real_text_niches(paths: Sequence[Path], embedder: Embedder, niche_model=None) -> dict:
    """Niche accuracy on the sources' texts, per source and per language (see the
    module docstring)."""
    return niches_of_texts([(Path(p), read_real_texts(p)) for p in paths], embedder, niche_model)


def niches_of_texts(
    sources: Sequence[tuple[Path, pd.DataFrame]], embedder: Embedder, niche_model=None
) -> dict:
    """:func:`real_text_niches` on sources already read (each its path and
    :func:`read_real_texts` frame), so one reading serves several embedders."""
    rows = pd.concat([frame for _, frame in sources], ignore_index=True)
    target = np.array([NICHE_CODES.index(c) for c in rows["niche"]])
    matcher = Matcher(embedder)
    records = text_only_records(rows["text"].tolist())
    matcher.load_programme(records, pd.DataFrame(columns=["challenge_id"]), persist=False)
    ids = records["participant_id"].to_numpy()
    systems = {CATALOGUE: matcher.niche_scores(ids, learned=False)}
    if niche_model is not None:
        matcher.use_niche_model(niche_model, "evaluation")
        systems[LEARNED] = matcher.niche_scores(ids, learned=True)
    niche_vectors = matcher.niche_catalogue_index().vectors
    text_vectors = embedder.encode(records["profile_text"].tolist())
    systems[ZERO_SHOT] = np.max(text_vectors @ niche_vectors.transpose(0, 2, 1), axis=0)
    languages = np.array(
        [str(matcher.read_text(t).language) for t in records["profile_text"]], dtype=object
    )
    result: dict = {"sources": [], "languages": {}}
    start = 0
    for path, frame in sources:
        part = slice(start, start + len(frame))
        start += len(frame)
        found = pd.Series(languages[part]).value_counts()
        result["sources"].append(
            {
                "file": str(path),
                "kind": "cvs" if path.is_dir() else "postings",
                "texts": len(frame),
                "unread": list(frame.attrs.get("unread", [])),
                "languages": {str(k): int(v) for k, v in found.items()},
                "systems": {n: _accuracy(s[part], target[part]) for n, s in systems.items()},
                "halves": _halves(frame, systems[CATALOGUE][part], target[part]),
            }
        )
    for language in sorted(set(languages)):
        chosen = languages == language
        result["languages"][language] = {
            n: _accuracy(s[chosen], target[chosen]) for n, s in systems.items()
        }
    return result


def _halves(frame: pd.DataFrame, scores: np.ndarray, target: np.ndarray) -> dict:
    """A CV folder's catalogue-evidence accuracy on each fixed half (see :func:`half_of`)."""
    halves = np.array(frame.attrs.get("half", []), dtype=object)
    return {
        name: _accuracy(scores[halves == name], target[halves == name])
        for name in (LOOK, HELD_OUT)
        if (halves == name).any()
    }


def weak_niches(result: dict, system: str = CATALOGUE, bar: float = 0.6) -> list[str]:
    """Niches of any source with at least :data:`MIN_NICHE_TEXTS` texts whose top-1
    accuracy is below ``bar``, as "source: niche top-1"."""
    return [
        f"{Path(source['file']).name}: {niche} {r['top1']:.2f}"
        for source in result["sources"]
        for niche, r in source["systems"][system]["per_niche"].items()
        if r["n"] >= MIN_NICHE_TEXTS and r["top1"] < bar
    ]


def real_text_section(result: dict) -> list[str]:
    """The report's section on real text."""
    names = list(result["sources"][0]["systems"])
    lines = [
        "Each text is read as a participant record holding only that text (a posting's "
        "title and description; a CV file as the CV upload reads it).",
        "",
        "| source | texts | languages | " + " | ".join(f"{n} top-1 / top-3" for n in names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for source in result["sources"]:
        found = ", ".join(f"{k} {v}" for k, v in source["languages"].items())
        cells = [_pair(source["systems"][n]) for n in names]
        lines.append(
            f"| `{Path(source['file']).name}` | {source['texts']} | {found} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "Per language, as the reader detects it:",
        "",
        "| language | texts | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for language, systems in result["languages"].items():
        count = systems[names[0]]["texts"]
        lines.append(
            f"| {language} | {count} | " + " | ".join(_pair(systems[n]) for n in names) + " |"
        )
    for source in result["sources"]:
        lines += _source_lines(source, names)
    return lines


def _pair(accuracy: dict) -> str:
    return f"{accuracy['top1']:.3f} / {accuracy['top3']:.3f}"


def _source_lines(source: dict, names: list[str]) -> list[str]:
    title = Path(source["file"]).name
    lines = [""]
    if source["unread"]:
        unread = "; ".join(source["unread"][:5])
        lines += [f"`{title}`: {len(source['unread'])} file(s) could not be read: {unread}", ""]
    halves = source.get("halves", {})
    if halves:
        parts = ", ".join(
            f"{name} half {r['texts']} files {_pair(r)}" for name, r in halves.items()
        )
        lines += [f"`{title}`, {names[0]} on the fixed halves of its files: {parts}", ""]
    lines += [
        f"`{title}`, per niche (top-1 / top-3):",
        "",
        "| niche | texts | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    shown = source["systems"][names[0]]
    for niche, r in shown["per_niche"].items():
        cells = [
            f"{source['systems'][n]['per_niche'][niche]['top1']:.2f} / "
            f"{source['systems'][n]['per_niche'][niche]['top3']:.2f}"
            for n in names
        ]
        lines.append(f"| {niche} | {r['n']} | " + " | ".join(cells) + " |")
    confusion = shown["confusion"]
    columns = sorted({c for row in confusion.values() for c in row})
    lines += [
        "",
        f"`{title}`, confusion of the top-1 choice ({names[0]}; rows: label, columns: top-1):",
        "",
        "| label | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for label, row in confusion.items():
        lines.append(f"| {label} | " + " | ".join(str(row.get(c, 0)) for c in columns) + " |")
    return lines
