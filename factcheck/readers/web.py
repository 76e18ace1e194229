"""Fetching articles and reference documents from the web: one GET with a timeout, a size cap, a
redirect limit and a clear User-Agent; trafilatura for the main text and metadata of HTML pages.

    >>> page = fetch("https://example.org/news/story")     # InputError on any failure, one line
    >>> article = article_document(page)                   # HTML only
    >>> docs = reference_documents(page)                   # HTML, PDF, DOCX or plain text
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from factcheck import __version__
from factcheck.errors import InputError
from factcheck.records import ArticleSource, Document

__all__ = [
    "Page",
    "is_url",
    "fetch",
    "article_document",
    "article_source",
    "source_of",
    "reference_documents",
    "read_url_list",
    "USER_AGENT",
    "FETCH_TIMEOUT",
    "MAX_DOWNLOAD_SECONDS",
    "MAX_FETCH_BYTES",
    "MAX_DOCUMENT_FETCH_BYTES",
    "MAX_REDIRECTS",
]

USER_AGENT = f"factcheck/{__version__} (+https://factcheck.example; offline-first fact-checking toolkit)"
FETCH_TIMEOUT = 20.0  # seconds to connect, and between two reads
MAX_DOWNLOAD_SECONDS = 300.0  # the whole download: 100 MB at about 3 Mbit/s
MAX_FETCH_BYTES = 10 * 1024 * 1024  # 10 MB: a long news page is under 2 MB
MAX_DOCUMENT_FETCH_BYTES = 100 * 1024 * 1024  # sent as PDF or DOCX: a UN report with figures runs to tens of MB
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
_DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_CHUNK = 16 * 1024


@dataclass(frozen=True)
class Page:
    """A fetched web resource: its address before and after redirects, content type, bytes and fetch time."""

    url: str
    final_url: str
    content_type: str  # media type without parameters, lower case: "text/html"
    charset: str | None
    body: bytes
    fetched: str  # UTC, ISO 8601 to the second


def is_url(text: str) -> bool:
    """Tells whether a command-line argument is an http(s) address rather than a file path or text."""
    text = text.strip()
    return text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text)


def fetch(
    url: str,
    *,
    offline: bool = False,
    timeout: float = FETCH_TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    max_seconds: float = MAX_DOWNLOAD_SECONDS,
    allow_private: bool | None = None,
) -> Page:
    """Downloads `url`; every failure (offline, no network, timeout, HTTP error, too large, too slow, too
    many redirects, a host that is not public) raises InputError naming the URL and what to do.

    Hosts that resolve to loopback, private, link-local, multicast, reserved or unspecified addresses are
    refused on every redirect hop unless `allow_private` is true (None: as `allow_private_addresses` set it)."""
    import requests

    from factcheck.readers.addresses import AddressRefused, guarded_session, private_allowed

    if offline:
        raise InputError(f"{url}: not fetched because --offline is set; save the page and pass the file instead")
    _check_address(url)
    allowed = private_allowed() if allow_private is None else allow_private
    with requests.Session() if allowed else guarded_session() as session:
        session.max_redirects = max_redirects
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        try:
            with session.get(url, timeout=(timeout, timeout), stream=True) as response:
                return _read_response(url, response, max_bytes, max_seconds)
        except AddressRefused as exc:
            raise InputError(f"{url}: {exc.reason()}") from None
        except requests.exceptions.InvalidSchema:
            raise InputError(f"{url}: redirected to an address that is not http(s); only http(s) pages are fetched") from None
        except requests.TooManyRedirects:
            raise InputError(f"{url}: more than {max_redirects} redirects; open it in a browser and pass the final address") from None
        except requests.Timeout:
            raise InputError(f"{url}: no answer within {timeout:g} s; try again later, or save the page and pass the file") from None
        except requests.ConnectionError as exc:
            raise InputError(
                f"{url}: could not connect ({_reason(exc)}); check the address and the network, or save the page and pass the file"
            ) from None
        except requests.RequestException as exc:
            raise InputError(f"{url}: download failed ({type(exc).__name__}: {_reason(exc)})") from None


def _check_address(url: str) -> None:
    """Refuses anything but an http(s) address with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url}: not an http(s) address; pass https://… or a local file")


def _read_response(url: str, response, max_bytes: int, max_seconds: float) -> Page:
    """Checks the status and reads the body in chunks, stopping at the size cap (`max_bytes`, or
    MAX_DOCUMENT_FETCH_BYTES for what is sent as PDF or DOCX) or after `max_seconds` (checked as each
    chunk arrives; a read that waits over the timeout fails on its own)."""
    import requests

    if response.status_code >= 400:
        raise InputError(f"{url}: the server answered HTTP {response.status_code} {response.reason}; check the address")
    media, _, params = response.headers.get("Content-Type", "").partition(";")
    media = media.strip().lower()
    if media in _DOCUMENT_TYPES:
        max_bytes = max(max_bytes, MAX_DOCUMENT_FETCH_BYTES)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(_too_large(url, max_bytes))
    fetched = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    body, deadline = bytearray(), time.monotonic() + max_seconds
    try:
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise InputError(_too_large(url, max_bytes))
            if time.monotonic() > deadline:
                raise InputError(f"{url}: download took over {max_seconds:g} s; download it yourself and pass the file")
    except requests.ConnectionError as exc:  # requests reports a read that timed out mid-body this way
        raise InputError(f"{url}: the download stalled after {len(body)} bytes ({_reason(exc)}); try again later") from None
    charset = params.split("charset=", 1)[1].strip(" \"'") if "charset=" in params else None
    return Page(url, response.url, media, charset, bytes(body), fetched)


def _too_large(url: str, max_bytes: int) -> str:
    """The error for a download over the size cap."""
    size = f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} kB"
    return f"{url}: over the {size} download limit; download it yourself and pass the file"


def _reason(exc: Exception) -> str:
    """The innermost reason of a requests error, on one line ("Connection refused", "Name or service not known")."""
    reason = exc
    while reason.__context__ is not None and not isinstance(reason.__context__, (KeyError, AttributeError)):
        reason = reason.__context__
    text = str(reason).split("] ")[-1] if "] " in str(reason) else str(reason)
    return " ".join(text.split())[:160] or type(exc).__name__


def _sniffed_type(page: Page) -> str:
    """The content type, corrected when the bytes are plainly a PDF, or a ZIP at a .docx address, whatever the header says."""
    head = page.body.lstrip()[:8]
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        docx = next(kind for kind, suffix in _DOCUMENT_TYPES.items() if suffix == ".docx")
        return docx if urlsplit(page.final_url).path.lower().endswith(".docx") else page.content_type or "application/zip"
    return page.content_type


def _extracted(page: Page, precision: bool) -> dict:
    """trafilatura's main text and metadata of an HTML page (text, title, author, date, site)."""
    import trafilatura

    result = trafilatura.extract(
        page.body, url=page.final_url, output_format="json", with_metadata=True, include_comments=False,
        include_tables=not precision, favor_precision=precision, favor_recall=not precision,
    )
    data = json.loads(result) if result else {}
    if not (data.get("text") or "").strip():
        raise InputError(f"{page.url}: no main text found on the page; save the article's text as .txt and pass that")
    return data


def article_source(page: Page, data: dict) -> ArticleSource:
    """The report's record of where an article came from."""
    return ArticleSource(
        url=page.url, final_url=page.final_url, fetched=page.fetched, title=data.get("title") or "",
        author=data.get("author") or "", date=data.get("date") or "", site=data.get("source-hostname") or data.get("hostname") or "",
    )


def article_document(page: Page) -> tuple[Document, ArticleSource]:
    """The article Document of a fetched HTML page and its source record; other content types are refused."""
    kind = _sniffed_type(page)
    if kind not in HTML_TYPES:
        hint = " (index it as a reference document: factcheck index URL)" if kind in _DOCUMENT_TYPES else ""
        raise InputError(f"{page.url}: the server sent {kind or 'no content type'}, not an HTML page{hint}; pass the address of a news article")
    data = _extracted(page, precision=True)
    source = article_source(page, data)
    meta = {"format": "html", "fetched": page.fetched, "author": source.author, "site": source.site}
    doc = Document(page.url, data["text"], source.title, page.url, url=page.final_url, date=source.date or None, meta=meta)
    return doc, source


def source_of(doc: Document) -> ArticleSource | None:
    """The source record of an article Document made by `article_document`, else None (a local file)."""
    if not doc.meta.get("fetched"):
        return None
    return ArticleSource(
        url=doc.source, final_url=doc.url or doc.source, fetched=doc.meta["fetched"], title=doc.title,
        author=doc.meta.get("author", ""), date=doc.date or "", site=doc.meta.get("site", ""),
    )


def reference_documents(page: Page) -> list[Document]:
    """The reference Documents of a fetched page: HTML (main text), PDF, DOCX or plain text; the id is the URL."""
    from factcheck.readers import read_bytes

    kind = _sniffed_type(page)
    if kind in _DOCUMENT_TYPES:
        docs = read_bytes(page.body, _DOCUMENT_TYPES[kind], page.url, page.url)
    elif kind in HTML_TYPES:
        data = _extracted(page, precision=False)
        meta = {"format": "html", "author": data.get("author") or "", "site": data.get("source-hostname") or ""}
        docs = [Document(page.url, data["text"], data.get("title") or page.url, page.url, date=data.get("date"), meta=meta)]
    elif kind == "text/plain":
        text = page.body.decode(page.charset or "utf-8", errors="replace").replace("\r\n", "\n")
        docs = [Document(page.url, text, text.strip().split("\n", 1)[0][:200], page.url, meta={"format": "txt"})]
    else:
        raise InputError(f"{page.url}: the server sent {kind or 'no content type'}; index HTML pages, PDF, DOCX or plain text")
    for doc in docs:
        doc.url = page.final_url
        doc.meta["fetched"] = page.fetched
    return docs


def read_url_list(path) -> list[str]:
    """The addresses in a --urls file: one per line; blank lines and # comments are ignored."""
    from factcheck.textio import read_text

    urls = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise InputError(f"{path}:{number}: {line[:80]!r} is not an http(s) address; put one URL per line")
        urls.append(line)
    if not urls:
        raise InputError(f"{path}: no URLs in the file; put one http(s) address per line")
    return urls
