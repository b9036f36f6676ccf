"""French CVs uploaded as files and real-text evaluation over CV folders, on the real
engine (packaged model, catalogue) and the service's CV reader."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from evaluation.real_text import (
    CATALOGUE,
    HELD_OUT,
    LOOK,
    half_of,
    real_text_niches,
    text_only_records,
)
from matching.domain.catalogue import load_catalogue
from matching.engine import Matcher
from service.cv_files import cv_text
from tests.cv_samples import POSTINGS, docx_cv, pdf_cv
from tests.french_cvs import FRENCH_CVS

ENGLISH_CV = (
    "SOUS CHEF",
    "Professional Summary\nReliable professional with customer service, scheduling and "
    "reporting skills.\nWork Experience\nSous Chef\nJan 2015 to Dec 2019\nThe Grill House\n"
    "Prepared sauces, soups and main dishes, supervised the line cooks, ordered produce.\n"
    "Line Cook\n03/2011 - 12/2014\nHarbour Restaurant\nCooked on the grill and fry "
    "stations, kept the kitchen clean.",
)


def _pdf(text: str) -> bytes:
    title, body = text.split("\n", 1)
    return pdf_cv(title, body)


@pytest.fixture(scope="module")
def french_engine(embedder):
    """Participants whose records hold only a French CV, read from a PDF as an upload is."""
    texts = [cv_text(_pdf(text), 5_000_000).text for text in FRENCH_CVS.values()]
    engine = Matcher(embedder)
    engine.load_programme(text_only_records(texts), pd.DataFrame(columns=["challenge_id"]))
    return engine, texts


@pytest.mark.parametrize(("pid", "niche"), list(enumerate(FRENCH_CVS, start=1)))
def test_a_french_cv_gets_its_niche_first_with_french_quotes(french_engine, pid, niche):
    engine, texts = french_engine
    ranking = engine.niches(pid, "es", texts[pid - 1])
    assert ranking.text_language == "fr"
    top = ranking.suggestions[0]
    assert top.niche == niche
    quoted = [r for r in top.reasons if r.startswith("El texto menciona")]
    assert quoted, top.reasons
    quotes = [q.split("'")[1] for q in quoted[0].split("→")[:-1]]
    first_quote = quotes[0].split(" (")[0]  # a dated job is quoted with its dates
    assert first_quote in texts[pid - 1]
    assert any(year in quoted[0] for year in ("201", "202")), "the job's dates are quoted"
    concepts = engine.text_concepts(texts[pid - 1], "es")
    assert concepts.language == "fr" and concepts.jobs


def test_skills_read_from_a_text_are_listed_as_read_from_text(embedder):
    """Skills on record, skills only the text names and skills experience implies are
    listed apart, each marked."""
    catalogue = load_catalogue()
    uri = dict(zip(catalogue.skills["label_en"], catalogue.skills["uri"], strict=True))
    records = text_only_records(
        ["Camarera durante dos años: servir bebidas y preparar bebidas calientes."]
    )
    records.at[0, "skills"] = [uri["serve beverages"]]
    engine = Matcher(embedder)
    engine.load_programme(records, pd.DataFrame(columns=["challenge_id"]))
    listed = {s.uri: s for s in engine.participant_skills(1, "es")}
    on_record, from_text = listed[uri["serve beverages"]], listed[uri["prepare hot drinks"]]
    assert not on_record.from_text and not on_record.implied
    assert from_text.from_text and not from_text.implied
    assert from_text.label == "preparar bebidas calientes"
    implied = [s for s in listed.values() if s.implied]
    assert implied and not any(s.from_text for s in implied)
    kinds = [2 if s.implied else 1 if s.from_text else 0 for s in listed.values()]
    assert kinds == sorted(kinds)  # on record, then read from text, then implied


@pytest.fixture(scope="module")
def cv_folder(tmp_path_factory):
    """A folder of CV files and their labels; the labels' own text column misleads on
    purpose, so a result that used it would show."""
    folder = tmp_path_factory.mktemp("cvs")
    (folder / "pdf").mkdir()
    rows = []
    for i, (niche, text) in enumerate(FRENCH_CVS.items(), start=1):
        (folder / "pdf" / f"fr{i}.pdf").write_bytes(_pdf(text))
        rows.append({"id": f"fr{i}", "niche": niche, "text": "Electricista de obra"})
    (folder / "en1.docx").write_bytes(docx_cv(*ENGLISH_CV))
    rows.append({"id": "en1", "niche": "hospitality", "text": "Electricista de obra"})
    (folder / "pdf" / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    rows.append({"id": "broken", "niche": "retail", "text": ""})
    with (folder / "labels.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "niche", "text"])
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_real_text_is_measured_per_source_language_and_niche(embedder, cv_folder):
    result = real_text_niches([cv_folder, POSTINGS], embedder)
    cvs, postings = result["sources"]
    assert (cvs["kind"], cvs["texts"], postings["kind"]) == ("cvs", 5, "postings")
    assert [u.split(":")[0] for u in cvs["unread"]] == ["broken"]
    assert cvs["languages"] == {"fr": 4, "en": 1}
    catalogue = cvs["systems"][CATALOGUE]
    assert catalogue["top1"] == 1.0, catalogue["confusion"]
    assert set(catalogue["per_niche"]) == {*FRENCH_CVS}
    assert {"fr", "en", "es"} <= set(result["languages"])
    assert result["languages"]["fr"][CATALOGUE]["texts"] == 4
    assert "zero-shot embedding" in cvs["systems"]
    ids = ["fr1", "fr2", "fr3", "fr4", "en1"]
    halves = {name: sum(half_of(i) == name for i in ids) for name in (LOOK, HELD_OUT)}
    assert {k: r["texts"] for k, r in cvs["halves"].items()} == {
        k: n for k, n in halves.items() if n
    }
    assert "halves" in postings and not postings["halves"]


def test_milma_evaluate_reads_cv_folders_beside_posting_files(cv_folder, tmp_path):
    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "--data-dir",
            str(tmp_path / "var"),
            "evaluate",
            "--real-text",
            str(cv_folder),
            "--real-text",
            str(POSTINGS),
            "--out",
            str(tmp_path / "report"),
        ],
    )
    assert done.exit_code == 0, done.output
    printed = " ".join(done.output.split())
    assert "real text, language fr, catalogue evidence: niche top-1 1.000" in printed
    assert "eures_postings_sample.csv" in printed
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert len(metrics["real_text"]["sources"]) == 2
    report = (tmp_path / "report" / "report.md").read_text()
    assert "Per language" in report and "could not be read" in report


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: None, "needs exactly one CSV with the columns id, niche"),
        (
            lambda folder: (folder / "labels.csv").write_text("id,niche\nx,pilot\n"),
            "unknown niche 'pilot'",
        ),
        (
            lambda folder: (folder / "labels.csv").write_text("id,niche\nx,retail\n"),
            "no CV could be read",
        ),
    ],
)
def test_a_bad_cv_folder_is_refused_plainly(tmp_path, make, message):
    folder = tmp_path / "cvs"
    folder.mkdir()
    make(folder)
    done = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "var"), "evaluate", "--real-text", str(folder)]
    )
    assert done.exit_code == 2
    assert message in " ".join(done.output.split())
