"""DOCX reference documents (python-docx): paragraphs and tables in document order, headings kept as
section context for the passages under them."""

from __future__ import annotations

import io
import re
import zipfile

from factcheck.errors import InputError
from factcheck.records import Document

__all__ = ["read_docx", "docx_blocks", "SECTION_SEPARATOR"]

SECTION_SEPARATOR = " > "  # between the levels of a heading path: "Findings > Casualties"
_HEADING = re.compile(r"^(?:Heading|heading)\s*(\d)$")


def _heading_level(paragraph) -> int | None:
    """The level of a heading paragraph (Title counts as 0), else None."""
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == "Title":
        return 0
    match = _HEADING.match(name)
    return int(match.group(1)) if match else None


def _table_text(table) -> str:
    """A table as text: one line per row, cells separated by " | " (merged cells once)."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def docx_blocks(data: bytes, source: str) -> list[tuple[int | None, str]]:
    """The body of a DOCX as (heading level or None, text) blocks in document order; tables are one block each."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{source}: not a readable .docx file ({type(exc).__name__}: {exc}); re-save it from Word as .docx") from None
    blocks: list[tuple[int | None, str]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            text, level = _table_text(item), None
        else:
            text, level = item.text.strip(), _heading_level(item)
        if text:
            blocks.append((level, text))
    return blocks


def _first_heading(blocks: list[tuple[int | None, str]]) -> str:
    """The first heading's text, or an empty string."""
    return next((text for level, text in blocks if level is not None), "")


def read_docx(data: bytes, doc_id: str, source: str) -> list[Document]:
    """Reads a DOCX into one Document; `meta["sections"]` holds `[offset, heading path]` where each section starts."""
    blocks = docx_blocks(data, source)
    if not blocks:
        raise InputError(f"{source}: the document has no text; check that it is the right file")
    text, sections, path = "", [[0, ""]], []  # path: (level, heading) of the enclosing headings
    title = ""
    for level, block in blocks:
        if text:
            text += "\n\n"
        if level == 0:  # the document's title, not a section
            title = title or block
        elif level is not None:
            path = [(lv, h) for lv, h in path if lv < level] + [(level, " ".join(block.split()))]
            sections.append([len(text), SECTION_SEPARATOR.join(h for _, h in path)])
        text += block
    sections = [s for i, s in enumerate(sections) if i + 1 == len(sections) or sections[i + 1][0] != s[0]]
    title = (title or _first_heading(blocks) or text.split("\n", 1)[0])[:200]
    return [Document(doc_id, text, title, source, meta={"format": "docx", "sections": sections})]
