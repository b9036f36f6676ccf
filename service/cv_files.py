"""CV files: the text of an uploaded PDF or DOCX, for the one text path.

People bring CVs as files. Only the text is used: it is read with maintained libraries
(pypdf, python-docx), checked against limits that keep a hostile file from costing
much (size, pages, the unpacked size of a DOCX), and never kept — the file's bytes
live only for the request. The type is decided by the file's own first bytes, not by
its name or the type the browser claims.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

from docx import Document
from pypdf import PdfReader

CV_UPLOAD_PATHS = r"/(app/)?participants/\d+/cv"
MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and fields around the file
MAX_PDF_PAGES = 20
MAX_DOCX_UNPACKED = 30_000_000  # bytes, all parts of the DOCX archive together
MIN_TEXT_CHARS = 20
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"


class CvFileError(ValueError):
    """The upload is not a CV this service can read; the message says why."""


def cv_text(data: bytes, max_bytes: int) -> str:
    """The text of a PDF or DOCX CV, whitespace tidied."""
    if not data:
        raise CvFileError("the file is empty")
    if len(data) > max_bytes:
        raise CvFileError(f"the file is larger than {max_bytes} bytes")
    kind = file_kind(data)
    try:
        text = tidy(_pdf_text(data) if kind == "pdf" else _docx_text(data))
    except CvFileError:
        raise
    except Exception:  # any failure of a parser on an untrusted file
        raise CvFileError(f"the {kind.upper()} file could not be read") from None
    if len(text) < MIN_TEXT_CHARS:
        raise CvFileError(
            "no text could be read from the file (a scanned CV needs to be typed in or "
            "converted by OCR first)"
        )
    return text


def file_kind(data: bytes) -> Literal["pdf", "docx"]:
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return "docx"
    raise CvFileError("only PDF and DOCX files are accepted")


def tidy(text: str) -> str:
    """One space between words, one blank line between paragraphs."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise CvFileError("the PDF is password-protected")
    if len(reader.pages) > MAX_PDF_PAGES:
        raise CvFileError(f"the PDF has more than {MAX_PDF_PAGES} pages")
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/document.xml" not in archive.namelist():
            raise CvFileError("the file is an archive but not a DOCX document")
        if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNPACKED:
            raise CvFileError("the DOCX unpacks to more than the allowed size")
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" · ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(parts)
