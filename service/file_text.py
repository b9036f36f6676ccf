"""The text of one untrusted PDF or DOCX, read in a process of its own.

:mod:`service.cv_files` runs this file as a script (``python -I file_text.py KIND
MAX_CHARS MAX_PAGES CPU_SECONDS MEMORY_BYTES``) with the file's bytes on stdin, and
reads one JSON object from stdout: ``{"text", "stopped_early", "cpu_seconds",
"peak_rss_kb"}`` or ``{"error"}``. Before reading a byte of the file the process limits
itself (CPU seconds, address space, no files written), so a file built to cost (a flate
bomb, a content stream shared by every page, nesting a parser recurses into) stops this
process, never the server. It imports nothing of the service.

A DOCX is never unpacked whole: its document part is inflated as a stream, counting
the bytes actually produced (whatever the zip headers claim), and read by an XML parser
that refuses document type declarations (so no entity is ever expanded). Both kinds
stop once ``MAX_CHARS`` characters are read and say so.
"""

from __future__ import annotations

import io
import json
import resource
import signal
import sys
import zipfile
from xml.parsers import expat

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_PART = "word/document.xml"
DOCX_PART_LIMIT = 16_000_000  # bytes of XML the document part may inflate to
CHUNK = 1 << 16


class FileTextError(Exception):
    """The file is not one this reader will read; the message says why, in plain words."""


class BudgetError(BaseException):
    """The file needs more CPU time than reading a CV may take. A BaseException, so
    that no parser's own ``except Exception`` swallows it and goes on."""


class _EnoughTextError(Exception):
    """Enough text has been read."""


class DocxText:
    """Text of a WordprocessingML document part, fed in chunks to an expat parser:
    paragraphs on lines of their own, a table's cells joined by " · " on one line."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.chars = 0
        self.in_text = 0
        self.in_cell = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        self.parser = parser

    @staticmethod
    def _refuse_doctype(*_args) -> None:
        raise FileTextError("the DOCX declares a document type, which Word documents never do")

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.chars += len(text)
        if self.chars > self.max_chars:
            raise _EnoughTextError

    def _start(self, name: str, _attributes) -> None:
        if name == f"{W} t":
            self.in_text += 1
        elif name == f"{W} tab":
            self._add("\t")
        elif name in (f"{W} br", f"{W} cr"):
            self._add(" " if self.in_cell else "\n")
        elif name == f"{W} tc":
            self.in_cell += 1

    def _end(self, name: str) -> None:
        if name == f"{W} t":
            self.in_text -= 1
        elif name == f"{W} p":
            self._add(" " if self.in_cell else "\n")
        elif name == f"{W} tc":
            self.in_cell -= 1
            self._add(" · ")
        elif name == f"{W} tr":
            self._add("\n")

    def _characters(self, data: str) -> None:
        if self.in_text:
            self._add(data)

    def feed(self, chunk: bytes, final: bool = False) -> bool:
        """Parse ``chunk``; True once enough text has been read."""
        try:
            self.parser.Parse(chunk, final)
        except _EnoughTextError:
            return True
        except expat.ExpatError as exc:
            raise FileTextError(
                "the DOCX file could not be read (its text is not well-formed)"
            ) from exc
        return False

    @property
    def text(self) -> str:
        return "".join(self.parts).replace(" · \n", "\n")


def docx_text(data: bytes, max_chars: int) -> tuple[str, bool]:
    """(text, stopped early) of a DOCX, its document part inflated as a stream."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileTextError("the DOCX file could not be read (it is not a whole archive)") from exc
    with archive:
        try:
            info = archive.getinfo(DOCUMENT_PART)
        except KeyError:
            raise FileTextError("the file is an archive but not a DOCX document") from None
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileTextError("the DOCX is packed in a way Word documents never are")
        if info.flag_bits & 0x1:
            raise FileTextError("the DOCX is password-protected")
        reader = DocxText(max_chars)
        produced = 0
        try:
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    produced += len(chunk)
                    if produced > DOCX_PART_LIMIT:
                        raise FileTextError(
                            "the DOCX unpacks to more than "
                            f"{DOCX_PART_LIMIT // 1_000_000} MB of text and layout"
                        )
                    if reader.feed(chunk):
                        return reader.text, True
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise FileTextError("the DOCX file could not be read (it is damaged)") from exc
        reader.feed(b"", final=True)
        return reader.text, False


def pdf_text(data: bytes, max_chars: int, max_pages: int) -> tuple[str, bool]:
    """(text, stopped early) of the first ``max_pages`` pages of a PDF."""
    from pypdf import PdfReader, apply_configuration

    # pypdf's own limits, tightened to what a CV can need
    with apply_configuration(
        zlib_maximum_output_length=8_000_000,
        maximum_declared_stream_length=8_000_000,
        array_based_stream_maximum_output_length=8_000_000,
        stream_decoding_work_maximum_length=32_000_000,
        stream_parsing_work_maximum_count=400_000,
        page_tree_maximum_entries=10_000,
    ):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise FileTextError("the PDF is password-protected")
            pages = reader.pages
            count = len(pages)
            parts: list[str] = []
            chars = 0
            for number in range(min(count, max_pages)):
                try:
                    parts.append(pages[number].extract_text() or "")
                except BudgetError:
                    if not "".join(parts).strip():
                        raise
                    return "\n\n".join(parts), True  # the pages read before time ran out
                chars += len(parts[-1])
                if chars > max_chars:
                    return "\n\n".join(parts), True
        except FileTextError:
            raise
        except RecursionError as exc:
            raise FileTextError("the PDF file could not be read (it nests too deep)") from exc
        except MemoryError as exc:
            raise FileTextError("the PDF needs more memory to read than a CV may take") from exc
        except Exception as exc:  # any failure of the parser on an untrusted file
            raise FileTextError("the PDF file could not be read") from exc
    return "\n\n".join(parts), count > max_pages


def _over_budget(_signum, _frame) -> None:
    # once: the kernel signals again every second until the hard limit, and the
    # answer must not be cut short while it is written
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)
    raise BudgetError("the file takes longer to read than a CV may (it may be damaged)")


def limit_self(cpu_seconds: int, memory_bytes: int) -> None:
    """Budgets this process keeps to: CPU seconds (a signal at the soft limit, the kill
    a second later), address space, and no file written."""
    signal.signal(signal.SIGXCPU, _over_budget)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> dict:
    kind, max_chars, max_pages, cpu_seconds, memory_bytes = argv
    limit_self(int(cpu_seconds), int(memory_bytes))
    data = sys.stdin.buffer.read()
    try:
        if kind == "pdf":
            text, stopped = pdf_text(data, int(max_chars), int(max_pages))
        else:
            text, stopped = docx_text(data, int(max_chars))
        answer: dict = {"text": text, "stopped_early": stopped}
    except (FileTextError, BudgetError) as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"error": f"the {kind.upper()} needs more memory to read than a CV may take"}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    answer["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 3)
    answer["peak_rss_kb"] = peak_rss_kb()
    return answer


def peak_rss_kb() -> int:
    """This process's peak resident memory. Read from /proc: ``ru_maxrss`` would also
    count the server's memory, which a process started by vfork and exec inherits."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1:])))
