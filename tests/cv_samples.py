"""CV files made from real Spanish job postings (EURES, CC BY 4.0; see tests/data): the
text nobody here wrote, laid out as a PDF or a DOCX the way a CV would be."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from docx import Document
from fpdf import FPDF

POSTINGS = Path(__file__).parent / "data" / "eures_postings_sample.csv"


def posting(niche: str) -> tuple[str, str]:
    """The first posting of a niche whose text a PDF's core fonts can show."""
    with POSTINGS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = f"{row['titulo']}\n{row['descripcion']}"
            if row["niche"] == niche and len(row["descripcion"]) > 200:
                try:
                    text.encode("latin-1")
                except UnicodeEncodeError:
                    continue
                return row["titulo"], row["descripcion"]
    raise LookupError(niche)


def pdf_cv(title: str, body: str, password: str | None = None) -> bytes:
    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_cv(title: str, body: str) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    for paragraph in body.split(". "):
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Idiomas", "Español, inglés"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
