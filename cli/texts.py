"""Reading free text from the command line: ``read`` (a CV, a profile, a job posting)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cli.app import UsageError, app, errors, out

PANEL = "Recommendations"
MAX_CHARACTERS = 20_000


@app.command(rich_help_panel=PANEL)
def read(
    text: str | None = typer.Argument(None, help="The text; leave out to read --file or stdin"),
    file: Path | None = typer.Option(
        None, "--file", "-f", help="A CV (PDF or DOCX) or a UTF-8 text file to read"
    ),
    language: str = typer.Option("en", help="Language of the labels shown: en or es"),
    as_json: bool = typer.Option(False, "--json", help="Print the reading as JSON"),
) -> None:
    """What the service reads in a text: jobs and skills (with their words), years of
    experience, and the niches it points to."""
    from matching.domain.catalogue import load_catalogue
    from matching.text.reader import text_reader
    from matching.text.summaries import describe

    with errors():
        if language not in ("en", "es"):
            raise UsageError("language must be en or es")
        if text is not None and file is not None:
            raise UsageError("give the text or --file, not both")
        if file is not None:
            body = _file_text(file)
        elif text is not None:
            body = text
        else:
            body = sys.stdin.read()
        if not body.strip():
            raise UsageError("the text is empty")
        if len(body) > MAX_CHARACTERS:
            raise UsageError(f"the text is longer than {MAX_CHARACTERS:,} characters")
        concepts = describe(text_reader().read(body), load_catalogue(), language)
        if as_json:
            out.print_json(concepts.model_dump_json())
            return
        out.print(
            f"language: {concepts.language or 'unknown'}"
            + ("" if concepts.read else " (not read: Spanish, English and French only)"),
            highlight=False,
        )
        for kind, found in (("job", concepts.occupations), ("skill", concepts.skills)):
            for c in found:
                where = f" [{c.niche}]" if c.niche else ""
                out.print(f"{kind}: '{c.quote}' -> {c.label}{where}", highlight=False)
        for niche, years in concepts.years.items():
            out.print(f"experience: {years} years in {niche}", highlight=False)
        for n in concepts.niches:
            out.print(f"niche: {n.name} ({n.evidence:.2f})", highlight=False)


def _file_text(path: Path) -> str:
    """The text of a PDF or DOCX CV (read as the service reads uploads) or a text file."""
    from matching.settings import get_settings
    from service.cv_files import CvFileError, cv_text, file_kind

    data = path.read_bytes()
    try:
        file_kind(data)
    except CvFileError:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"{path} is neither a PDF, a DOCX nor UTF-8 text") from None
    try:
        return cv_text(data, get_settings().max_cv_bytes).text
    except CvFileError as exc:
        raise UsageError(f"{path}: {exc}") from None
