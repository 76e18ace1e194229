"""Reading an article (file or stdin) and finding its body paragraphs, with page chrome left out."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from factcheck.errors import InputError
from factcheck.records import Document
from factcheck.text import STOPWORDS, words
from factcheck.textio import decode_text, read_text, visible_text

__all__ = ["MAX_ARTICLE_BYTES", "read_article", "article_from_text", "body_blocks", "is_chrome", "english_warning"]

MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # 2 MB of text: a long article is under 100 kB
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_CHROME_PHRASES = {
    "must read", "more news", "latest news", "related news", "related articles", "related", "read more",
    "read also", "see also", "advertisement", "sponsored", "share", "share this", "share this article",
    "subscribe", "follow us", "comments", "leave a comment", "top stories", "trending", "most read",
    "popular", "newsletter", "sign up", "log in", "sign in", "menu", "search", "home", "next", "previous",
}
_CHROME_PATTERNS = [
    re.compile(r"^-?\d{1,3}(?:[.,]\d)?\s*°?\s*[CF]$"),  # weather widget: "1.6 C", "34°F"
    re.compile(r"patreon|\bdonat(?:e|ion)\b|support (?:us|our journalism)|become a (?:patron|member|subscriber)", re.I),
    re.compile(r"^liked it\?|^sign up for|^subscribe to|^follow us on|cookies?\b.*\b(?:accept|consent)", re.I),
    re.compile(r"^(?:photo|image|credit|source)\s*:", re.I),
    re.compile(r"^\W*$"),
]
_TERMINAL = tuple('.!?"”’:)')


def _clean_line(line: str) -> str:
    """A line without Markdown list/quote/emphasis markers at its start."""
    return line.strip().lstrip("*->").strip()


def is_chrome(line: str) -> bool:
    """Tells whether a line is page chrome: a widget, a navigation label, an appeal, or a short heading."""
    text = _clean_line(line)
    if line.lstrip().startswith("#") or text.lower().rstrip(":") in _CHROME_PHRASES:
        return True
    if any(p.search(text) for p in _CHROME_PATTERNS):
        return True
    return not text.endswith(_TERMINAL) and len(text.split()) < 8  # headings, datelines, city names, menus


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the lines of `text`, without their line breaks and surrounding blanks."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line)
    return spans


def body_blocks(text: str) -> list[tuple[int, int]]:
    """Character spans of the body paragraphs: runs of non-chrome lines that end like a sentence."""
    runs: list[list[tuple[int, int]]] = [[]]
    for start, end in _line_spans(text):
        if start == end or is_chrome(text[start:end]):
            runs.append([])
        else:
            runs[-1].append((start, end))
    blocks = [(run[0][0], run[-1][1]) for run in runs if run]
    return [(a, b) for a, b in blocks if text[a:b].rstrip().endswith(_TERMINAL)]


def english_warning(text: str, source: str = "") -> str | None:
    """Returns a warning when the text does not look like English (too few common English words)."""
    found = words(text, numbers=False)
    if len(found) < 20:
        return None
    ratio = sum(w in STOPWORDS for w in found) / len(found)
    if ratio >= 0.12:
        return None
    where = f"{source}: " if source else ""
    return f"{where}the text does not look like English ({ratio:.0%} common English words); claims may be poor"


def _html_to_text(html: str, source: str) -> str:
    """Extracts the main text of an HTML page with trafilatura."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        text = visible_text(html)  # e.g. markup nested deeper than lxml parses
    if not text.strip():
        raise InputError(f"{source}: no article text found in the HTML; save the article's text as .txt and retry")
    return text


def article_from_text(text: str, source: str = "<text>", html: bool = False) -> Document:
    """Builds the article Document from raw text (HTML is reduced to its main text first)."""
    if html or re.match(r"\s*(?:<!doctype html|<html)", text[:500], re.I):
        text = _html_to_text(text, source)
    if not text.strip():
        raise InputError(f"{source}: the article is empty; pass a file with the article's text")
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise InputError(f"{source}: over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB article limit; split it into articles")
    return Document(id=Path(source).stem or "article", text=text, source=source)


def _read_stdin() -> str:
    """Reads stdin as UTF-8 with the same checks as a file."""
    data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"<stdin>: over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB article limit; split it into articles")
    return decode_text(data, "<stdin>")


def read_article(path: str | Path, offline: bool = False) -> Document:
    """Reads an article from a .txt/.md/.html file, from stdin when path is "-", or from an http(s) address
    (its main text and metadata; `meta["fetched"]` holds the download time)."""
    from factcheck.readers.web import article_document, fetch, is_url

    if isinstance(path, str) and is_url(path):
        return article_document(fetch(path, offline=offline))[0]
    if str(path) == "-":
        return article_from_text(_read_stdin(), "<stdin>")
    path = Path(path)
    text = read_text(path, max_bytes=MAX_ARTICLE_BYTES)
    return article_from_text(text, str(path), html=path.suffix.lower() in _HTML_SUFFIXES)
