"""Hostile CV files: what an attacker or a broken exporter may upload as a PDF or DOCX.

Each file is built here from bytes (no file is shipped), in two sizes: ``small`` for
the test suite, and full size for ``milma benchmark --only hostile-files``, where the
bombs inflate as far as the issue that asked for this found them to (a DOCX whose zip
headers claim 1,000 bytes and inflate to 1 GB). Every file says whether a CV reader
should read it (a genuine CV, a long one) or refuse it; the reader must answer either
way within its budgets, never with a server error.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELATIONSHIPS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
CV_LINES = (
    "Camarero con cinco años de experiencia en bares y restaurantes de Fuenlabrada.",
    "Servicio de mesas y barra, preparación de cafés, atención al cliente y caja.",
    "Idiomas: español nativo, inglés B1. Carné de manipulador de alimentos.",
)


Answer = Literal["read", "refused"]
READ: tuple[Answer, ...] = ("read",)
REFUSED: tuple[Answer, ...] = ("refused",)
EITHER: tuple[Answer, ...] = ("read", "refused")


@dataclass(frozen=True)
class HostileFile:
    """One file of the suite: its name, bytes, and whether a reader should read it."""

    name: str
    data: bytes
    expect: tuple[Answer, ...]  # the answers a careful reader may give
    what: str


# ------------------------------------------------------------------------ DOCX
def _document_xml(body: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="' + W_NS.encode() + b'"><w:body>' + body + b"</w:body></w:document>"
    )


def _paragraphs(lines) -> bytes:
    return b"".join(b"<w:p><w:r><w:t>" + line.encode() + b"</w:t></w:r></w:p>" for line in lines)


def _deflated(chunks, level: int = 9) -> tuple[bytes, int, int]:
    """Raw deflate of the concatenated ``chunks``: (compressed, crc32, length)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    out.append(packer.flush())
    return b"".join(out), crc, size


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive from (name, compressed bytes, crc, claimed size, method), written
    by hand so that a member's headers may claim any size."""
    body, directory = io.BytesIO(), io.BytesIO()
    for name, packed, crc, claimed, method in members:
        encoded = name.encode()
        offset = body.tell()
        fields = (20, 0, method, 0, 0, crc, len(packed), claimed, len(encoded), 0)
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + packed)
        directory.write(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + encoded
        )
    start, size = body.tell(), directory.tell()
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0)
    return body.getvalue() + directory.getvalue() + end


def _package_parts() -> list[tuple[str, bytes, int, int, int]]:
    """The parts every DOCX holds besides its document."""
    parts = []
    for name, content in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELATIONSHIPS)):
        packed, crc, size = _deflated([content])
        parts.append((name, packed, crc, size, zipfile.ZIP_DEFLATED))
    return parts


def _docx(document: bytes | list[bytes], claimed: int | None = None) -> bytes:
    """A minimal DOCX whose document part is ``document`` (or those chunks, deflated as
    one stream), its headers claiming ``claimed`` bytes when given."""
    chunks = [document] if isinstance(document, bytes) else document
    packed, crc, size = _deflated(chunks)
    claim = size if claimed is None else claimed
    member = ("word/document.xml", packed, crc, claim, zipfile.ZIP_DEFLATED)
    return _zip([*_package_parts(), member])


def _spaces(total: int, block: int = 1 << 22) -> list[bytes]:
    head = _document_xml(b"")[: -len(b"</w:body></w:document>")]
    pad = b" " * block
    chunks = [head] + [pad] * (total // block)
    return [*chunks, b"</w:body></w:document>"]


def docx_cv() -> bytes:
    return _docx(_document_xml(_paragraphs(CV_LINES)))


def docx_lying_sizes(inflated: int) -> bytes:
    """Headers claim 1,000 bytes; the document part inflates to ``inflated``."""
    return _docx(_spaces(inflated), claimed=1000)


def docx_honest_bomb(inflated: int) -> bytes:
    """The same bomb with honest headers."""
    return _docx(_spaces(inflated))


def docx_text_flood(characters: int) -> bytes:
    """Real text runs, far more than a CV: the reader stops early and says so."""
    line = "Mozo de almacén, carretillero y preparador de pedidos en Fuenlabrada. "
    run = b"<w:p><w:r><w:t>" + line.encode() * 20 + b"</w:t></w:r></w:p>"
    return _docx(_document_xml(run * (characters // (len(line) * 20) + 1)))


def docx_deep_nesting(depth: int) -> bytes:
    inner = _paragraphs(CV_LINES)
    return _docx(_document_xml(b"<w:sdt>" * depth + inner + b"</w:sdt>" * depth))


def docx_entity_expansion() -> bytes:
    """The billion laughs: ten levels of entities, each ten of the one before."""
    entities = [b'<!ENTITY l0 "ja">'] + [
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)
    ]
    doctype = b"<!DOCTYPE w:document [" + b"".join(entities) + b"]>"
    xml = _document_xml(b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>")
    head, rest = xml.split(b"?>", 1)
    return _docx(head + b"?>" + doctype + rest)


def docx_external_entity() -> bytes:
    doctype = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    xml = _document_xml(b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>")
    head, rest = xml.split(b"?>", 1)
    return _docx(head + b"?>" + doctype + rest)


def docx_many_parts(count: int) -> bytes:
    members = _package_parts()
    for i in range(count):
        packed, crc, size = _deflated([b"x"])
        members.append((f"word/media/p{i}.xml", packed, crc, size, zipfile.ZIP_DEFLATED))
    packed, crc, size = _deflated([_document_xml(_paragraphs(CV_LINES))])
    members.append(("word/document.xml", packed, crc, size, zipfile.ZIP_DEFLATED))
    return _zip(members)


def docx_bzip2_part(inflated: int) -> bytes:
    """A document part compressed with bzip2, which DOCX never uses (and which a zip
    reader inflates without a bound per read)."""
    import bz2

    packer = bz2.BZ2Compressor(9)
    chunks = _spaces(inflated)
    packed = b"".join(packer.compress(c) for c in chunks) + packer.flush()
    crc = 0
    for c in chunks:
        crc = zlib.crc32(c, crc)
    size = sum(map(len, chunks))
    return _zip([*_package_parts(), ("word/document.xml", packed, crc, size, zipfile.ZIP_BZIP2)])


def docx_truncated() -> bytes:
    whole = docx_cv()
    return whole[: len(whole) // 2]


# ------------------------------------------------------------------------- PDF
def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalog) with a correct
    cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(content: bytes, compress: bool = True) -> bytes:
    if compress:
        content = zlib.compress(content, 9)
        return (
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream"
        )
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _text_ops(lines, start: int = 0) -> bytes:
    ops = [b"BT /F1 11 Tf 72 760 Td 14 TL"]
    for i, line in enumerate(lines, start=start):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + escaped.encode("latin-1", "replace") + b") ' %% %d" % i)
    ops.append(b"ET")
    return b"\n".join(ops)


def _pages_pdf(contents: list[int], streams: dict[int, bytes]) -> bytes:
    """Catalog (1), page tree (2), font (3), one page per entry of ``contents`` (the
    number of its content stream object), then ``streams`` by object number."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
        FONT,
    ]
    for content in contents:
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
    for number in sorted(streams):
        assert number == len(objects) + 1, "streams must follow the pages in order"
        objects.append(streams[number])
    return _pdf(objects)


def pdf_cv() -> bytes:
    return _pages_pdf([5], {5: _stream(_text_ops(CV_LINES))})


def pdf_flate_bomb(inflated: int) -> bytes:
    """One page whose content stream of text operators inflates to ``inflated`` bytes."""
    op = b"BT /F1 9 Tf 72 700 Td (Carretillero con experiencia) Tj ET\n"
    content = op * (inflated // len(op))
    return _pages_pdf([5], {5: _stream(content)})


def pdf_shared_content(pages: int, inflated: int) -> bytes:
    """Every page draws the same large content stream."""
    op = b"BT /F1 9 Tf 72 700 Td (Mozo de almacen) Tj ET\n"
    return _pages_pdf([4 + pages] * pages, {4 + pages: _stream(op * (inflated // len(op)))})


def pdf_many_pages(pages: int) -> bytes:
    streams = {
        4 + pages + i: _stream(_text_ops([f"Pagina {i}: {CV_LINES[i % 3]}"]), compress=False)
        for i in range(pages)
    }
    return _pages_pdf([4 + pages + i for i in range(pages)], streams)


def pdf_long_text(pages: int = 12, lines: int = 50) -> bytes:
    """A genuine document, longer than any CV: read up to the cap, and said so."""
    streams = {
        4 + pages + p: _stream(
            _text_ops([f"{CV_LINES[(p + i) % 3]} ({p}.{i})" for i in range(lines)])
        )
        for p in range(pages)
    }
    return _pages_pdf([4 + pages + p for p in range(pages)], streams)


def pdf_deep_nesting(depth: int) -> bytes:
    """A page resource nested ``depth`` arrays deep."""
    deep = b"[" * depth + b"1" + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
        b"<< /F1 3 0 R >> /Deep 6 0 R >> /Contents 5 0 R >>",
        _stream(_text_ops(CV_LINES)),
        deep,
    ]
    return _pdf(objects)


def pdf_nested_content(depth: int) -> bytes:
    """A content stream of arrays nested ``depth`` deep."""
    return _pages_pdf([5], {5: _stream(b"[" * depth + b"]" * depth + b"\n" + _text_ops(CV_LINES))})


def pdf_page_tree_loop() -> bytes:
    """A page tree whose node lists itself among its kids."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>",
        FONT,
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        _stream(_text_ops(CV_LINES)),
    ]
    return _pdf(objects)


def pdf_form_loop() -> bytes:
    """A form XObject that draws itself."""
    form = b"/Fx Do\n" + _text_ops(CV_LINES[:1])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
        b"<< /F1 3 0 R >> /XObject << /Fx 6 0 R >> >> /Contents 5 0 R >>",
        _stream(b"/Fx Do"),
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font "
        b"<< /F1 3 0 R >> /XObject << /Fx 6 0 R >> >> /Length %d >>\nstream\n"
        % len(form)
        + form
        + b"\nendstream",
    ]
    return _pdf(objects)


def pdf_without_xref(objects: int) -> bytes:
    """Many objects and no cross-reference table: a reader must rebuild one by scanning."""
    body = b"".join(b"%d 0 obj\n<< /N %d >>\nendobj\n" % (i, i) for i in range(10, objects))
    whole = pdf_cv()
    return whole[: whole.index(b"xref")] + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_truncated() -> bytes:
    whole = pdf_long_text(2, 20)
    return whole[: len(whole) // 2]


def pdf_noise(size: int) -> bytes:
    import random

    rng = random.Random(31)
    return b"%PDF-1.7\n" + bytes(rng.getrandbits(8) for _ in range(size))


# ------------------------------------------------------------------------ suite
def suite(small: bool) -> list[HostileFile]:
    """The hostile files, each with the answers a careful reader may give it.

    A bomb may be refused, or read up to the character cap when the reader gets that
    far within its budgets: either is an answer. A genuine CV must be read; a file that
    cannot be a CV (lying headers, entities, half an archive) must be refused.
    """
    mb = 1_000_000
    big = 64 * mb if small else 1000 * mb
    builders: list[tuple[str, Callable[[], bytes], tuple[Answer, ...], str]] = [
        ("docx-cv", docx_cv, READ, "a genuine one-page CV (control)"),
        ("pdf-cv", pdf_cv, READ, "a genuine one-page CV (control)"),
        (
            "docx-lying-sizes",
            lambda: docx_lying_sizes(big),
            REFUSED,
            f"zip headers claim 1,000 bytes; the document inflates to {big // mb:,} MB",
        ),
        (
            "docx-honest-bomb",
            lambda: docx_honest_bomb(big),
            REFUSED,
            f"headers say {big // mb:,} MB of document, all of it blank",
        ),
        (
            "docx-bzip2-part",
            lambda: docx_bzip2_part(8 * mb if small else 200 * mb),
            REFUSED,
            "a part compressed with bzip2, which DOCX never uses",
        ),
        (
            "docx-text-flood",
            lambda: docx_text_flood(2 * mb if small else 20 * mb),
            READ,
            "millions of characters of real text runs",
        ),
        (
            "docx-deep-nesting",
            lambda: docx_deep_nesting(20_000 if small else 500_000),
            READ,
            "the text inside elements nested deep",
        ),
        ("docx-entity-expansion", docx_entity_expansion, REFUSED, "the billion laughs"),
        ("docx-external-entity", docx_external_entity, REFUSED, "an entity naming a file"),
        (
            "docx-many-parts",
            lambda: docx_many_parts(5_000 if small else 35_000),
            EITHER,
            "thousands of archive members",
        ),
        ("docx-truncated", docx_truncated, REFUSED, "half of a DOCX"),
        (
            "pdf-flate-bomb",
            lambda: pdf_flate_bomb(5 * mb if small else 50 * mb),
            EITHER,
            "a page stream of text operators inflating far beyond a CV",
        ),
        (
            "pdf-shared-content",
            lambda: pdf_shared_content(20, 2 * mb if small else 8 * mb),
            EITHER,
            "20 pages drawing one large content stream",
        ),
        ("pdf-2000-pages", lambda: pdf_many_pages(2000), READ, "2,000 pages of text"),
        ("pdf-long-text", pdf_long_text, READ, "a genuine document longer than any CV"),
        (
            "pdf-deep-nesting",
            lambda: pdf_deep_nesting(50_000 if small else 1_000_000),
            EITHER,
            "a page resource nested deep",
        ),
        (
            "pdf-nested-content",
            lambda: pdf_nested_content(50_000 if small else 1_000_000),
            EITHER,
            "a content stream of arrays nested deep",
        ),
        ("pdf-page-tree-loop", pdf_page_tree_loop, EITHER, "a page tree listing itself"),
        ("pdf-form-loop", pdf_form_loop, EITHER, "a form that draws itself"),
        (
            "pdf-without-xref",
            lambda: pdf_without_xref(20_000 if small else 120_000),
            EITHER,
            "many objects and no cross-reference table",
        ),
        ("pdf-truncated", pdf_truncated, EITHER, "half of a PDF"),
        ("pdf-noise", lambda: pdf_noise(200_000), REFUSED, "random bytes after a PDF header"),
    ]
    return [HostileFile(name, build(), expect, what) for name, build, expect, what in builders]
