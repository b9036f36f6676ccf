"""CV files through the API: a real Spanish posting's text, laid out as a PDF and as a
DOCX, is read into the profile and understood as the same text typed in; bad files get
a message naming the field and change nothing; the file is never kept."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from service.tables import AuditRow
from tests.cv_samples import docx_cv, pdf_cv, posting
from tests.integration.api.conftest import open_service


@pytest.fixture(scope="module")
def svc(service_template, tmp_path_factory):
    service = open_service(service_template, tmp_path_factory.mktemp("cv") / "var")
    yield service
    service.runtime.close()


def _new_person(svc) -> int:
    made = svc.client.post(
        "/participants",
        json={"edition_id": 4, "display_name": "Con CV", "spanish_level": "C1"},
        headers=svc.as_("caseworker"),
    )
    assert made.status_code == 201, made.text
    return made.json()["participant_id"]


def _upload(svc, pid: int, name: str, data: bytes, **form):
    return svc.client.post(
        f"/participants/{pid}/cv?language=es",
        files={"file": (name, data, "application/octet-stream")},
        data={k: str(v).lower() for k, v in form.items()},
        headers=svc.as_("caseworker"),
    )


@pytest.mark.parametrize(
    ("niche", "build", "name"),
    [("hospitality", pdf_cv, "cv.pdf"), ("logistics", docx_cv, "cv.docx")],
)
def test_a_cv_file_is_read_like_the_same_text_typed_in(svc, niche, build, name):
    title, body = posting(niche)
    pid = _new_person(svc)
    got = _upload(svc, pid, name, build(title, body))
    assert got.status_code == 200, got.text
    read = got.json()
    typed = svc.client.post(
        "/texts/concepts?language=es",
        json={"text": f"{title}\n{body}"},
        headers=svc.as_("caseworker"),
    ).json()
    # the file's layout changes no concept: same skills, jobs and leading niche
    assert {s["uri"] for s in read["concepts"]["skills"]} == {s["uri"] for s in typed["skills"]}
    assert [o["uri"] for o in read["concepts"]["occupations"]] == [
        o["uri"] for o in typed["occupations"]
    ]
    assert read["concepts"]["niches"][0]["niche"] == typed["niches"][0]["niche"] == niche
    profile = read["participant"]
    assert profile["text_language"] == "es"
    assert " ".join(title.split()) in " ".join(profile["profile_text"].split())
    ranking = svc.client.get(f"/participants/{pid}/niches", headers=svc.as_("caseworker"))
    assert ranking.json()["suggestions"][0]["niche"] == niche
    with svc.runtime.sessions() as session:
        audit = session.scalar(
            select(AuditRow).where(AuditRow.action == "participant.cv").order_by(AuditRow.id.desc())
        )
    assert audit.request["characters"] == read["characters_read"] > 200
    kept = [p for p in svc.settings.data_dir.rglob("*") if p.suffix in (".pdf", ".docx")]
    assert kept == []  # the file itself is not kept


def test_a_second_cv_adds_to_the_text_or_replaces_it(svc):
    pid = _new_person(svc)
    first, second = posting("hospitality"), posting("logistics")
    _upload(svc, pid, "a.pdf", pdf_cv(*first))
    added = _upload(svc, pid, "b.docx", docx_cv(*second)).json()["participant"]["profile_text"]
    assert first[0].split()[0] in added and second[0].split()[0] in added
    replaced = _upload(svc, pid, "b.docx", docx_cv(*second), replace=True).json()
    assert first[0].split()[0] not in replaced["participant"]["profile_text"]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "only PDF and DOCX"),
        (b"%PDF-1.7\n garbage that is no PDF at all", "could not be read"),
        (_zip({"notes.txt": b"hola"}), "not a DOCX"),
        (_zip({"word/document.xml": b"<not xml"}), "could not be read"),
        (pdf_cv("Camarero", "Servicio de mesas y barra " * 5, password="secreto"), "password"),
        (pdf_cv("", " "), "no text"),
    ],
)
def test_a_bad_file_names_the_field_and_changes_nothing(svc, data, message):
    pid = _new_person(svc)
    cw = svc.as_("caseworker")
    svc.client.patch(f"/participants/{pid}", json={"profile_text": "Cocinero"}, headers=cw)
    got = _upload(svc, pid, "cv.pdf", data)
    assert got.status_code == 422
    detail = got.json()["detail"][0]
    assert detail["loc"][-1] == "file" and message in detail["msg"]
    assert svc.client.get(f"/participants/{pid}", headers=cw).json()["profile_text"] == "Cocinero"


def test_a_file_over_the_limit_is_refused_before_it_is_read(svc):
    pid = _new_person(svc)
    too_big = b"%PDF-1.7\n" + b"0" * (svc.settings.max_cv_bytes + 100_000)
    assert _upload(svc, pid, "cv.pdf", too_big).status_code == 413
    assert _upload(svc, 999_999, "cv.pdf", pdf_cv(*posting("hospitality"))).status_code == 404
