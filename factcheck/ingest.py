"""Corpus ingestion: files, folders and URLs (.txt .md .html .jsonl here, .pdf .docx and web pages through
`factcheck.readers`) → Documents → Passages with offsets.

    >>> from factcheck.ingest import read_corpus, split_passages
    >>> corpus = read_corpus(["corpus/"])
    >>> for doc in corpus.documents:            # a generator; skipped files are counted as it runs
    ...     passages = split_passages(doc)
    >>> corpus.skipped                          # [(path, reason), ...]

Every passage keeps character offsets into its document's text: `doc.text[p.start:p.end] == p.text`.
Passages are windows of whole sentences (`factcheck.text.split_sentences`, the one sentence splitter: claim
extraction and evidence selection use it too).
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from factcheck.errors import InputError
from factcheck.readers import READERS as DOCUMENT_READERS
from factcheck.readers import read_document
from factcheck.records import Document, Passage
from factcheck.text import add_span, split_sentences
from factcheck.textio import decode_text, json_object, read_text, utf16_encoding, visible_text

__all__ = [
    "SUFFIXES",
    "READERS",
    "IGNORED_NAMES",
    "Corpus",
    "read_corpus",
    "read_file",
    "split_passages",
    "content_hash",
    "PASSAGE_CHARS",
    "PASSAGE_OVERLAP",
]

PASSAGE_CHARS = 600  # target passage length: ~130 word pieces, inside MiniLM's 256-token window
PASSAGE_OVERLAP = 1  # sentences repeated at the start of the next passage

# ---------------------------------------------------------------- passages


def _hard_wrap(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cuts an over-long sentence into pieces of at most `size` characters, at whitespace where possible."""
    pieces = []
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        add_span(text, start, cut, pieces)
        start = cut
    add_span(text, start, end, pieces)
    return pieces


def split_passages(doc: Document, size: int = PASSAGE_CHARS, overlap: int = PASSAGE_OVERLAP) -> list[Passage]:
    """Groups a document's sentences into windows of about `size` characters; consecutive windows
    share `overlap` sentences. Offsets point into `doc.text`. Windows never cross a page (PDF) or a
    section (DOCX), so each passage knows its page or section."""
    sentences = [piece for s, e in split_sentences(doc.text) for piece in _hard_wrap(doc.text, s, e, size)]
    firsts = [start for start, _ in sentences]
    passages: list[Passage] = []
    for start, end, page, section in _segments(doc):
        inside = sentences[bisect_left(firsts, start) : bisect_left(firsts, end)]
        for first, last in _windows(inside, size, overlap):
            passages.append(Passage(doc.id, doc.text[first:last], first, last, len(passages), page=page, section=section))
    return passages


def _segments(doc: Document) -> list[tuple[int, int, int | None, str | None]]:
    """(start, end, page, section) of the parts passages must not cross: the pages of a PDF
    (`meta["pages"]`: start offsets), the sections of a DOCX (`meta["sections"]`: [offset, heading]
    pairs), else the whole text."""
    if doc.meta.get("format") == "pdf" and doc.meta.get("pages"):
        marks = [(int(start), number, None) for number, start in enumerate(doc.meta["pages"], start=1)]
    elif doc.meta.get("format") == "docx" and doc.meta.get("sections"):
        marks = [(int(start), None, str(heading) or None) for start, heading in doc.meta["sections"]]
    else:
        return [(0, len(doc.text), None, None)]
    ends = [start for start, _, _ in marks[1:]] + [len(doc.text)]
    return [(start, end, page, section) for (start, page, section), end in zip(marks, ends)]


def _windows(sentences: list[tuple[int, int]], size: int, overlap: int) -> list[tuple[int, int]]:
    """(start, end) of the passage windows over consecutive sentence spans."""
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while j < len(sentences) and sentences[j][1] - sentences[i][0] <= size:
            j += 1
        windows.append((sentences[i][0], sentences[j - 1][1]))
        if j >= len(sentences):
            break
        i = _next_window_start(sentences, i, j, overlap, size)
    return windows


def _next_window_start(sentences: list[tuple[int, int]], i: int, j: int, overlap: int, size: int) -> int:
    """Where the next window starts: `overlap` sentences back, fewer when they would crowd out the next sentence."""
    back = min(overlap, j - i - 1)
    while back > 0 and sentences[j][1] - sentences[j - back][0] > size:
        back -= 1
    return j - back


def content_hash(text: str) -> str:
    """The SHA-256 of a document's text: equal hashes mean duplicate documents."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- readers


def _normalise(text: str) -> str:
    """Unifies line endings so offsets do not depend on the platform that wrote the file."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _first_line_title(text: str) -> str:
    """The first non-blank line, without Markdown heading marks, cut to 200 characters."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip().strip("[]").strip()
        if line:
            return line[:200]
    return ""


def _read_plain(path: Path, doc_id: str, raw: str) -> Iterator[Document]:
    """Reads a .txt file: the whole file is the document; the title is its first line."""
    text = _normalise(raw)
    yield Document(doc_id, text, _first_line_title(text), str(path), meta={"format": "txt"})


def _read_markdown(path: Path, doc_id: str, raw: str) -> Iterator[Document]:
    """Reads a .md file: the title is the first heading (else the first line); HTML comments are dropped,
    front matter is kept as text."""
    text = _normalise(re.sub(r"<!--.*?-->", "", raw, flags=re.S))
    heading = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    title = heading.group(1)[:200] if heading else _first_line_title(text)
    yield Document(doc_id, text, title, str(path), meta={"format": "md"})


def _read_html(path: Path, doc_id: str, html: str) -> Iterator[Document]:
    """Reads an .html file: trafilatura extracts the main text (navigation, ads and footers removed); when it
    finds none (e.g. markup nested too deeply for lxml), the page's visible text is used."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True) or ""
    if not text.strip():
        text = visible_text(html)
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta and meta.title else "") or _first_line_title(text)
    url = meta.url if meta and meta.url else None
    date = meta.date if meta and meta.date else None
    yield Document(doc_id, _normalise(text), title, str(path), url=url, date=date, meta={"format": "html"})


def _read_jsonl(path: Path, doc_id: str, raw: str | Iterable[str]) -> Iterator[Document]:
    """Reads a .jsonl file, one document per line: {"id", "title", "text", optional "url", "date"}."""
    lines = raw.splitlines() if isinstance(raw, str) else raw
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        yield _jsonl_document(json_object(line, where), where)


def _jsonl_document(record: dict, where: str) -> Document:
    """Checks one JSONL record and turns it into a Document."""
    missing = [key for key in ("id", "text") if not record.get(key)]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}; each line needs id, title and text")
    if not isinstance(record["text"], str):
        raise InputError(f"{where}: 'text' must be a string")
    text = _normalise(record["text"])
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{where}: holds an unpaired surrogate escape (\\ud800-\\udfff); fix the text's encoding") from None
    for key in ("url", "date"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputError(f"{where}: {key!r} must be a string (e.g. {_EXAMPLES[key]}), got {type(record[key]).__name__}")
    extra = {k: v for k, v in record.items() if k not in {"id", "title", "text", "url", "date"}}
    title = str(record.get("title") or _first_line_title(text))
    return Document(
        str(record["id"]), text, title, where, url=record.get("url"), date=record.get("date"),
        meta={"format": "jsonl", **extra},
    )


_EXAMPLES = {"url": '"https://example.org/page"', "date": '"2020-05-07"'}

READERS: dict[str, Callable[[Path, str, str], Iterator[Document]]] = {
    ".txt": _read_plain,
    ".text": _read_plain,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
}
SUFFIXES = tuple(READERS) + tuple(DOCUMENT_READERS)
IGNORED_NAMES = {"sources.md"}  # a corpus folder's list of sources describes the corpus; it is not part of it


def read_file(path: str | Path, doc_id: str | None = None, text: str | None = None) -> Iterator[Document]:
    """Reads the documents of one corpus file (one, or one per line for .jsonl); `text` skips the disk read."""
    path = Path(path)
    if path.suffix.lower() in DOCUMENT_READERS:
        return iter(read_document(path, doc_id))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{path}: unsupported file type; use one of {', '.join(SUFFIXES)}")
    return reader(path, doc_id or str(path), read_text(path) if text is None else text)


# ---------------------------------------------------------------- corpus


@dataclass
class Corpus:
    """The documents under some paths and URLs, read lazily; files that could not be read are counted in `skipped`."""

    paths: list[Path]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    files: int = 0
    urls: list[str] = field(default_factory=list)  # web pages and documents, fetched as they are read

    @property
    def documents(self) -> Iterator[Document]:
        """Yields every readable document; binary/undecodable files, unreadable PDFs and DOCX, and URLs
        that fail to download are skipped with a warning."""
        for path in self._files():
            self.files += 1
            if path.suffix.lower() in DOCUMENT_READERS:
                yield from self._or_skip(str(path), read_document, path, _doc_id(path))
                continue
            try:
                text = _jsonl_lines(path) if path.suffix.lower() == ".jsonl" else read_text(path)
            except InputError as exc:  # binary, undecodable or oversized: skip and count
                self.skipped.append((str(path), str(exc)))
                warnings.warn(f"skipped {exc}", stacklevel=2)
                continue
            yield from read_file(path, _doc_id(path), text)
        for url in self.urls:
            self.files += 1
            yield from self._or_skip(url, _fetch_documents, url)

    def _or_skip(self, where: str, read: Callable[..., list[Document]], *args: Any) -> list[Document]:
        """The documents `read(*args)` returns, or none when it raises InputError (then counted as skipped)."""
        try:
            return read(*args)
        except InputError as exc:
            self.skipped.append((where, str(exc)))
            warnings.warn(f"skipped {exc}", stacklevel=3)
            return []

    def _files(self) -> Iterator[Path]:
        """The corpus files in a stable order: given files as they are, folders recursed (hidden entries and
        SOURCES.md left out)."""
        for root in self.paths:
            if root.is_file():
                yield root
                continue
            for path in sorted(root.rglob("*")):
                hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
                wanted = path.suffix.lower() in SUFFIXES and path.name.lower() not in IGNORED_NAMES
                if path.is_file() and not hidden and wanted:
                    yield path


def _jsonl_lines(path: Path) -> Iterator[str]:
    """Streams a JSONL file's lines (no size limit); a document format, binary or non-UTF-8 start raises
    InputError at once, a bad byte further on raises it naming the line. UTF-16 files are decoded."""
    with open(path, "rb") as handle:
        head = handle.read(65_536)
    codec = utf16_encoding(head)
    if codec:
        return _utf16_lines(path, codec)
    try:
        decode_text(head, str(path))
    except InputError:
        if not _cut_at_end(head):
            raise
    return _decoded_lines(path)


def _cut_at_end(head: bytes) -> bool:
    """Tells whether a sample of a file fails to decode only because it ends inside a character."""
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data"
    return False


def _utf16_lines(path: Path, codec: str) -> Iterator[str]:
    """The lines of a UTF-16/32 file, decoded as they are read."""
    with open(path, encoding=codec, newline="") as handle:
        try:
            for line in handle:
                yield line.lstrip("\ufeff")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not valid {codec.upper()}; re-save the file as UTF-8") from None


def _decoded_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file, decoded one at a time."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{path}:{number}: not valid UTF-8; re-save the file as UTF-8") from None


def _doc_id(path: Path) -> str:
    """A file's document id: its path, relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def _fetch_documents(url: str) -> list[Document]:
    """The reference documents at a URL (HTML main text, PDF, DOCX or plain text)."""
    from factcheck.readers.web import fetch, reference_documents

    return reference_documents(fetch(url))


def read_corpus(paths: Iterable[str | Path]) -> Corpus:
    """Checks that every path exists and returns a lazily-read Corpus over them; http(s) addresses
    among `paths` are fetched when the corpus is read."""
    from factcheck.readers.web import is_url

    given = list(paths)
    urls = [str(p) for p in given if isinstance(p, str) and is_url(p)]
    resolved = [Path(p) for p in given if not (isinstance(p, str) and is_url(p))]
    if not resolved and not urls:
        raise InputError("no corpus paths given; pass files, folders or URLs of .txt, .md, .html, .jsonl, .pdf or .docx documents")
    for path in resolved:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder; check the path")
        if path.is_file() and path.suffix.lower() not in SUFFIXES:
            raise InputError(f"{path}: unsupported file type; use one of {', '.join(SUFFIXES)}")
    return Corpus(resolved, urls=urls)
