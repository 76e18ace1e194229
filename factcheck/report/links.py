"""Which strings of a report may become links: http(s) URLs only, never `javascript:` or `data:`."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

__all__ = ["link_url", "cited_source", "LINK_SCHEMES"]

LINK_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # two letters or more: "C:" is a Windows drive
_FILE_LINE = re.compile(r"[\w./ -]+:\d+")  # a corpus JSONL document's source: file:line
_UNSAFE = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")  # whitespace, controls, and what breaks out of an attribute


def link_url(url: str | None) -> str | None:
    """The URL, percent-encoded where needed, when it is an absolute http(s) URL with a host; else None
    (the caller shows the string as text)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return _UNSAFE.sub(lambda m: quote(m.group(), safe=""), url)


def cited_source(url: str | None, source: str | None) -> str | None:
    """What a report cites for a passage: its http(s) URL, else its source file when that is no URL of
    another scheme (a `javascript:` URL is never cited)."""
    safe = link_url(url) or link_url(source)
    if safe:
        return safe
    if not source:
        return None
    if _FILE_LINE.fullmatch(source) or not _SCHEME.match(source):  # "corpus.jsonl:3", "C:\\docs\\a.txt", "a.txt"
        return source
    return None
