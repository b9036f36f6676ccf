"""CV files: the text of an uploaded PDF or DOCX, for the one text path.

People bring CVs as files. Only the text is used, and it is never kept with the file.
A file is untrusted input that can be built to cost: a DOCX whose zip headers
understate what it inflates to, a PDF whose small page stream inflates to megabytes of
drawing operators, one content stream shared by every page. So the type is decided by
the file's own first bytes (not its name or the type the browser claims), its size is
checked, and then it is read in a process of its own (:mod:`service.file_text`) that
limits itself before it reads a byte: CPU time, memory, no file written, a wall-clock
deadline from here. Whatever the file does, the server answers within the deadline and
its own memory holds only the upload. Reading stops after :data:`MAX_CV_CHARS`
characters or :data:`MAX_PDF_PAGES` pages, and the answer says it stopped early.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from matching.domain.records import without_hidden_characters

log = logging.getLogger(__name__)

CV_UPLOAD_PATHS = r"/(app/)?participants/\d+/cv"
MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and fields around the file
MAX_CV_CHARS = 20_000  # four times a profile text: more is not a CV, or not all of one
MAX_PDF_PAGES = 20
MIN_TEXT_CHARS = 20
# the reading process's budgets: its CPU seconds (Python's start and imports included),
# its address space, and how long the server waits for it in all
CPU_SECONDS = 1
MEMORY_BYTES = 192_000_000
WALL_SECONDS = 1.8
WORKER = Path(__file__).with_name("file_text.py")
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"


class CvFileError(ValueError):
    """The upload is not a CV this service can read; the message says why, and
    ``reason`` says it as a code for a page to put in its own words: ``empty``,
    ``too_large``, ``not_pdf_or_docx``, ``unreadable`` (broken, or over the reading
    limits) or ``no_text`` (a scan)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CvText:
    """The text read from a CV file, and whether the file held more than was read."""

    text: str
    stopped_early: bool


def cv_text(data: bytes, max_bytes: int) -> CvText:
    """The text of a PDF or DOCX CV, whitespace tidied, read within the budgets."""
    if not data:
        raise CvFileError("the file is empty", "empty")
    if len(data) > max_bytes:
        raise CvFileError(f"the file is larger than {max_bytes} bytes", "too_large")
    kind = file_kind(data)
    answer = _read_in_worker(kind, data)
    if "error" in answer:
        raise CvFileError(answer["error"], "unreadable")
    text = tidy(answer["text"])
    stopped = bool(answer["stopped_early"]) or len(text) > MAX_CV_CHARS
    if len(text) > MAX_CV_CHARS:
        text = text[: MAX_CV_CHARS + 1].rsplit(maxsplit=1)[0]
    if len(text) < MIN_TEXT_CHARS:
        raise CvFileError(
            "no text could be read from the file (a scanned CV needs to be typed in or "
            "converted by OCR first)",
            "no_text",
        )
    return CvText(text, stopped)


def file_kind(data: bytes) -> Literal["pdf", "docx"]:
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return "docx"
    raise CvFileError("only PDF and DOCX files are accepted", "not_pdf_or_docx")


def _read_in_worker(kind: str, data: bytes) -> dict:
    """The reading process's answer: text and whether it stopped early, or an error."""
    command = [
        sys.executable,
        "-I",  # isolated: neither the environment nor the working folder is read
        str(WORKER),
        kind,
        str(MAX_CV_CHARS),
        str(MAX_PDF_PAGES),
        str(CPU_SECONDS),
        str(MEMORY_BYTES),
    ]
    over = f"the {kind.upper()} file could not be read within the limits for a CV"
    try:
        done = subprocess.run(
            command,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.info("CV %s: reading stopped at the %.1f s deadline", kind, WALL_SECONDS)
        return {"error": f"{over} (it takes too long to read)"}
    try:
        answer = json.loads(done.stdout)
    except ValueError:  # the process was stopped by its limits before it could answer
        log.info("CV %s: the reading process ended with %s", kind, done.returncode)
        return {"error": over}
    log.info(
        "CV %s read: %s, %.2f s CPU, peak %.0f MB",
        kind,
        answer.get("error", "text"),
        answer["cpu_seconds"],
        answer["peak_rss_kb"] / 1024,
        extra={"cv_reading": {k: answer[k] for k in ("cpu_seconds", "peak_rss_kb")}},
    )
    return answer


def tidy(text: str) -> str:
    """One space between words, one blank line between paragraphs, and none of the
    characters no text field takes (control characters, bidirectional controls)."""
    text = without_hidden_characters(text)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
