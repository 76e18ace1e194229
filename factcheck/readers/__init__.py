"""Readers of reference documents that are not plain text: PDF, DOCX, and pages fetched from the web.

Each binary format has one reader behind the `Reader` protocol, registered by file suffix in `READERS`
(the text formats .txt .md .html .jsonl stay in `factcheck.ingest`). A reader turns the file's bytes
into Documents whose `meta` marks where passages must break: `meta["pages"]` (the character offset
where each page starts, PDF) or `meta["sections"]` (`[offset, heading path]` pairs, DOCX).

    >>> from factcheck.readers import read_document
    >>> docs = read_document("report.pdf")       # InputError: encrypted, scanned, broken
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from factcheck.errors import InputError
from factcheck.records import Document
from factcheck.readers.pdf import read_pdf
from factcheck.readers.word import read_docx

__all__ = ["Reader", "READERS", "MAX_DOCUMENT_BYTES", "read_document", "read_bytes"]

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024  # 200 MB: a long scanned-and-OCRed report; more is not a reference document


class Reader(Protocol):
    """Turns a binary document's bytes into Documents; raises InputError naming `source` when it cannot."""

    def __call__(self, data: bytes, doc_id: str, source: str) -> list[Document]: ...


READERS: dict[str, Reader] = {".pdf": read_pdf, ".docx": read_docx}


def read_bytes(data: bytes, suffix: str, doc_id: str, source: str) -> list[Document]:
    """Reads a document of the format named by `suffix` (".pdf", ".docx") from its bytes."""
    reader = READERS.get(suffix.lower())
    if reader is None:
        raise InputError(f"{source}: unsupported document type {suffix!r}; use one of {', '.join(READERS)}")
    return reader(data, doc_id, source)


def read_document(path: str | Path, doc_id: str | None = None) -> list[Document]:
    """Reads a PDF or DOCX file; raises InputError (missing, too large, encrypted, no text, broken)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{path}: file is {size / 1e6:.0f} MB, over the {MAX_DOCUMENT_BYTES / 1e6:.0f} MB limit; split it")
    return read_bytes(path.read_bytes(), path.suffix, doc_id or str(path), str(path))
