"""An erasure leaves nothing readable under the data dir: a person registered through the
API (their text replaced once, a CV read, an outcome recorded that names them) and
a person of the generated programme's source files are erased; then every file under
the data dir (the database and its write-ahead log, the programme's Parquet files,
caches, saved tables, readings, the index) is searched for their name, email, phone
and phrases of their text, raw and decoded (Parquet columns, zip and npz members), in
UTF-8, UTF-16 and UTF-32."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.runtime import open_runtime
from tests.cv_samples import docx_cv
from tests.integration.api.conftest import open_service
from training_data.dataset import read_programme

PERSON = {
    "edition_id": 4,
    "display_name": "Zuleika Quennell-Brandt",
    "email": "zq.brandt.4471@example.org",
    "phone": "+34 600 917 263",
    "profile_text": "Trabajo como restaurador de vidrieras emplomadas desde hace seis anos.",
    "consent_share": True,
    "consent_version": "v1",
}
REPLACED_TEXT = "Experiencia como montador de andamios colgantes en obras de Fuenlabrada."
CV_PHRASE = "Carretillero nocturno del poligono Cobo Calleja"


def _contents(path: Path) -> Iterator[bytes]:
    """The file's bytes, and whatever a reader would decode from it."""
    yield path.read_bytes()
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
        yield json.dumps(rows, default=str, ensure_ascii=False).encode()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield archive.read(name)


def _found(folder: Path, needles: list[str]) -> list[tuple[str, str]]:
    patterns = {
        needle: [needle.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-32-le")]
        for needle in needles
    }
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for content in _contents(path):
            hits += [
                (str(path.relative_to(folder)), needle)
                for needle, encoded in patterns.items()
                if any(e in content for e in encoded)
            ]
    return sorted(set(hits))


def _unique_phrase(text: str, others: pd.Series, length: int = 32) -> str:
    """A piece of ``text`` no other text holds."""
    for start in range(0, max(1, len(text) - length)):
        piece = text[start : start + length]
        if piece.strip() and not others.str.contains(piece, regex=False).any():
            return piece
    raise AssertionError("no phrase of the text is its own")


@pytest.fixture
def data_dir(service_template, tmp_path) -> Path:
    svc = open_service(service_template, tmp_path / "var")
    svc.runtime.close()
    return svc.settings.data_dir


def _seed_person(data_dir: Path) -> tuple[int, list[str]]:
    """A person of the programme's source files, and what would identify them."""
    people = pd.read_parquet(data_dir / "programme" / "participants.parquet")
    unique = people[
        ~people["email"].duplicated(keep=False)
        & ~people["phone"].duplicated(keep=False)
        & ~people["display_name"].duplicated(keep=False)
        & (people["profile_text"].str.len() > 60)
        & (people["edition_id"] == 4)
    ]
    row = unique.iloc[0]
    others = people.loc[people["participant_id"] != row["participant_id"], "profile_text"]
    needles = [row["display_name"], row["email"], row["phone"]]
    return int(row["participant_id"]), [*needles, _unique_phrase(row["profile_text"], others)]


def test_an_erasure_leaves_nothing_readable(data_dir, service_template):
    from matching.settings import Settings

    keys = service_template[1]
    settings = Settings(data_dir=data_dir)
    seed_id, seed_needles = _seed_person(data_dir)
    runtime = open_runtime(settings)
    client = TestClient(create_app(settings, runtime))
    cw = {"X-API-Key": keys["caseworker"]}
    made = client.post("/participants", json=PERSON, headers=cw)
    assert made.status_code == 201, made.text
    pid = made.json()["participant_id"]
    assert client.patch(
        f"/participants/{pid}", json={"profile_text": REPLACED_TEXT}, headers=cw
    ).is_success
    cv = docx_cv(CV_PHRASE, "Manejo de carretilla elevadora y preparacion de pedidos. " * 3)
    assert client.post(
        f"/participants/{pid}/cv",
        files={"file": ("cv.docx", cv, "application/octet-stream")},
        headers=cw,
    ).is_success
    challenge = next(c for c, v in runtime.matcher.challenges.items() if v.edition_id == 4)
    assert client.post(
        "/outcomes",
        json={
            "challenge_id": challenge,
            "participant_id": pid,
            "event": "joined",
            "reason": f"{PERSON['display_name']} called",
        },
        headers=cw,
    ).is_success
    runtime.close()

    # a restart writes the saved tables and readings with both people in them
    runtime = open_runtime(settings)
    client = TestClient(create_app(settings, runtime))
    replaced = "restaurador de vidrieras emplomadas"
    needles = [
        PERSON["display_name"], PERSON["email"], PERSON["phone"],
        replaced, "montador de andamios colgantes", CV_PHRASE,
        *seed_needles,
    ]  # fmt: skip
    # the search finds what is stored; the replaced text was overwritten when it was
    # replaced (secure_delete), so it is found nowhere even now
    assert {n for _, n in _found(data_dir, needles)} == set(needles) - {replaced}
    try:
        for person in (pid, seed_id):
            assert client.delete(f"/participants/{person}", headers=cw).status_code == 204
        assert _found(data_dir, needles) == []
        assert client.get(f"/participants/{seed_id}", headers=cw).status_code == 404
    finally:
        runtime.close()
    assert _found(data_dir, needles) == []  # nor after the service stopped
    # the scrubbed programme still reads as one (its checksums were written anew)
    programme = read_programme(settings.programme_dir)
    assert seed_id not in set(programme.participants["participant_id"])
    assert seed_id not in set(programme.outcomes["participant_id"])
