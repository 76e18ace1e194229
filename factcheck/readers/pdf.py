"""PDF reference documents: the text layer of every page (PDFium, through pypdfium2), page by page.

pypdfium2 rather than pypdf: it read a 300-page report 3x faster (1.2 s against 3.6 s) in
`benchmarks/bench_pdf.py` (docs/benchmarks.md, "PDF reading"), where reading took 0.4 % of the
indexing time and the embedder 98 %.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import urlsplit

from factcheck.errors import InputError
from factcheck.records import Document

__all__ = ["read_pdf", "pdf_pages", "PAGE_BREAK"]

PAGE_BREAK = "\n\n"  # between pages in a document's text: a paragraph break, so no sentence spans two pages
_TITLE_CHARS = 200
# Titles that tools write on their own: "Microsoft Word - draft3.docx", "untitled", a file name.
_GENERATED_TITLE = re.compile(r"^(?:microsoft \w+ - |untitled\b)|\.(?:docx?|pdf|indd|tex|odt)$", re.I)


def pdf_pages(data: bytes, source: str) -> list[str]:
    """The text of each page of a PDF, in order; raises InputError for encrypted or unreadable files."""
    return _read(data, source)[0]


def _read(data: bytes, source: str) -> tuple[list[str], dict[str, str]]:
    """The page texts and the metadata (Title, Author, ...) of a PDF."""
    import pypdfium2 as pdfium

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(f"{source}: not a PDF file (no %PDF header); check the file, or give it its real extension")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(_open_error(source, str(exc))) from None
    try:
        return [_page_text(document, number) for number in range(len(document))], document.get_metadata_dict()
    finally:
        document.close()


def _page_text(document, number: int) -> str:
    """One page's text layer, line endings unified."""
    page = document[number]
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
        page.close()
    return re.sub(r"\r\n?", "\n", text).replace("\x00", "").strip()


def _open_error(source: str, reason: str) -> str:
    """The one-line error for a PDF that PDFium cannot open."""
    if "password" in reason.lower():
        return f"{source}: the PDF is encrypted with a password; save an unprotected copy (e.g. qpdf --decrypt) and index that"
    inner = re.search(r"PDFium: ([^)]+)", reason)
    return f"{source}: broken or unsupported PDF ({inner.group(1) if inner else reason}); re-save or re-download the file"


def _title(metadata: dict[str, str], source: str) -> str:
    """The PDF's own title when it has a real one, else its file name (a PDF's first line is a running header
    or a wrapped piece of body text as often as a title)."""
    title = " ".join((metadata.get("Title") or "").split())
    if title and not _GENERATED_TITLE.search(title):
        return title[:_TITLE_CHARS]
    return PurePath(urlsplit(source).path).name if "://" in source else PurePath(source).name


def read_pdf(data: bytes, doc_id: str, source: str) -> list[Document]:
    """Reads a PDF into one Document; `meta["pages"]` holds the offset where each page's text starts."""
    pages, metadata = _read(data, source)
    if not any(pages):
        raise InputError(
            f"{source}: no text layer in its {len(pages)} page(s) (a scan?); run OCR first (e.g. ocrmypdf) and index the result"
        )
    starts, text = [], ""
    for page in pages:
        if text:
            text += PAGE_BREAK
        starts.append(len(text))
        text += page
    meta = {"format": "pdf", "pages": starts}
    if metadata.get("Author"):
        meta["author"] = metadata["Author"]
    return [Document(doc_id, text, _title(metadata, source), source, meta=meta)]
