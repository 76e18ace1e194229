"""Reading published fact-checks: ClaimReview JSON-LD (objects, lists, `@graph`s, DataCommons feeds),
HTML pages with ClaimReview markup (extruct), and JSONL records such as the CheckThat! collections.

Every record that cannot be read is skipped with one line naming the file (and line) and what was
wrong; the caller decides whether anything at all was importable.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlparse

from factcheck.errors import InputError
from factcheck.factchecks.ratings import normalise_rating, rating_from_text
from factcheck.factchecks.records import FactCheck
from factcheck.textio import looks_binary

__all__ = ["ImportResult", "read_factchecks", "claim_reviews_in", "from_claim_review", "from_record", "iso_date", "SUFFIXES"]

SUFFIXES = (".json", ".jsonld", ".jsonl", ".html", ".htm")
MAX_FILE_BYTES = 200 * 1024 * 1024  # a DataCommons feed is ~100 MB
_DATE_FORMATS = ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%Y")
_DATE_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][a-z]{2,8} \d{4}"
)


@dataclass
class ImportResult:
    """The fact-checks read from some files, and one message per skipped file or record."""

    records: list[FactCheck] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files: int = 0


def iso_date(text: Any) -> str | None:
    """The first date in a text as ISO 8601 ("stated on October 22, 2019 in ..." -> "2019-10-22"), or None."""
    if not isinstance(text, str):
        return None
    for found in _DATE_PATTERN.findall(text):
        cleaned = found.replace(".", "").replace(",", "")
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(cleaned, fmt)
            except ValueError:
                continue
            return parsed.date().isoformat()[: {"%B %Y": 7, "%Y": 4}.get(fmt, 10)]
    return None


def _types(obj: dict[str, Any]) -> list[str]:
    """The schema.org type names of a JSON-LD object ("schema:ClaimReview", URLs and lists included)."""
    value = obj.get("@type") or obj.get("type") or []
    return [str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in (value if isinstance(value, list) else [value])]


def claim_reviews_in(data: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object anywhere in parsed JSON-LD: a single object, a list, a `@graph`, or a
    DataCommons feed (`dataFeedElement` -> `item`)."""
    if isinstance(data, list):
        for item in data:
            yield from claim_reviews_in(item)
    elif isinstance(data, dict):
        if "ClaimReview" in _types(data):
            yield data
            return
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from claim_reviews_in(value)


def _first(value: Any) -> Any:
    """The first element of a list (JSON-LD allows a list where one value is expected), else the value."""
    return (value[0] if value else None) if isinstance(value, list) else value


def _name(value: Any) -> str:
    """The name of a schema.org Person/Organization (or the string itself)."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or ""
    return str(_first(value) or "").strip()


def _text(value: Any) -> str:
    """A JSON-LD text value as one clean string (lists and {"@value": ...} objects allowed)."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value", "")
    return " ".join(str(value or "").split())


def from_claim_review(review: dict[str, Any], source: str) -> FactCheck:
    """A FactCheck from one ClaimReview object; InputError when it lacks claimReviewed or a rating."""
    claim = _text(review.get("claimReviewed"))
    if not claim:
        raise InputError(f"{source}: ClaimReview without claimReviewed (the claim text)")
    rating = _first(review.get("reviewRating"))
    if not isinstance(rating, dict):
        raise InputError(f"{source}: ClaimReview of {claim[:60]!r} without reviewRating")
    rating_text = _text(rating.get("alternateName") or rating.get("name") or rating.get("ratingExplanation"))
    value = _first(rating.get("ratingValue"))
    if not rating_text and value in (None, ""):
        raise InputError(f"{source}: ClaimReview of {claim[:60]!r} has a reviewRating with neither text nor value")
    item = _first(review.get("itemReviewed")) or {}
    item = item if isinstance(item, dict) else {}
    appearance = _first(item.get("firstAppearance") or item.get("appearance")) or {}
    url = _text(review.get("url")) or None
    return FactCheck(
        id=url or _text(review.get("@id")) or "claimreview-" + hashlib.sha1(claim.encode()).hexdigest()[:16],
        claim=claim,
        rating=normalise_rating(rating_text, value, _first(rating.get("worstRating")), _first(rating.get("bestRating"))),
        rating_text=rating_text or f"{value} of {_first(rating.get('bestRating')) or 5}",
        publisher=_name(review.get("author") or review.get("publisher")) or _host(url),
        claimant=_name(item.get("author")),
        claim_date=iso_date(_text(item.get("datePublished")))
        or (iso_date(_text(appearance.get("datePublished"))) if isinstance(appearance, dict) else None),
        date=iso_date(_text(review.get("datePublished"))),
        url=url,
        title=_text(review.get("name") or review.get("headline")),
        source=source,
    )


def from_record(record: dict[str, Any], source: str, publisher: str = "") -> FactCheck:
    """A FactCheck from a flat JSONL record (`id`, `claim`, `rating`, `speaker`, `date`, `title`, `url`, ...),
    or from a ClaimReview object on one line."""
    if "ClaimReview" in _types(record):
        return from_claim_review(record, source)
    if not isinstance(record.get("id"), (str, int)) or not str(record["id"]).strip():
        raise InputError(f"{source}: a fact-check record needs an `id`")
    claim = _text(record.get("claim") or record.get("claimReviewed"))
    if not claim:
        raise InputError(f"{source}: fact-check {record['id']!r} has no `claim` text")
    rating_text = _text(record.get("rating"))
    when = _text(record.get("date"))
    stated = when.lower().startswith("stated")  # PolitiFact dates the statement, not the article
    url = _text(record.get("url")) or None
    return FactCheck(
        id=str(record["id"]).strip(),
        claim=claim,
        rating=normalise_rating(rating_text.replace("-", " ")),
        rating_text=rating_text,
        publisher=_text(record.get("publisher")) or _host(url) or publisher,
        claimant=_text(record.get("claimant") or record.get("speaker")),
        claim_date=iso_date(record.get("claim_date")) or (iso_date(when) if stated else None),
        date=None if stated else iso_date(when),
        url=url,
        title=_text(record.get("title")),
        source=source,
    )


def _host(url: str | None) -> str:
    """The site of a URL without "www." ("politifact.com"), or ""."""
    host = urlparse(url).netloc if url else ""
    return host.removeprefix("www.")


def _read_bytes(path: Path) -> str:
    """A file's text; InputError for a folder, a binary or oversized file, or bytes that are not UTF-8."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit; split it")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if looks_binary(data):
        raise InputError(f"{path}: looks like a binary file; pass ClaimReview JSON-LD, an HTML page or JSONL")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from None


def _from_jsonl(path: Path, text: str, result: ImportResult, publisher: str) -> None:
    """Reads one fact-check per line; a bad line is skipped with its own message."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
            result.records.append(from_record(record, where, publisher))
        except json.JSONDecodeError as exc:
            result.skipped.append(f"{where}: not valid JSON ({exc.msg}); write one JSON object per line")
        except InputError as exc:
            result.skipped.append(str(exc))


def _from_reviews(path: Path, data: Any, result: ImportResult, what: str) -> None:
    """Reads every ClaimReview in parsed JSON-LD; a file without one is skipped with a message."""
    reviews = list(claim_reviews_in(data))
    if not reviews:
        result.skipped.append(f"{path}: no ClaimReview in this {what}; expected schema.org ClaimReview objects")
    for number, review in enumerate(reviews, 1):
        try:
            result.records.append(from_claim_review(review, f"{path}#{number}" if len(reviews) > 1 else str(path)))
        except InputError as exc:
            result.skipped.append(str(exc))


def _from_html(path: Path, text: str, result: ImportResult) -> None:
    """Reads the ClaimReview markup of an HTML page with extruct: each JSON-LD block on its own (a broken
    block is skipped with a message, the others still read), then microdata and RDFa."""
    import extruct
    import lxml.html
    from extruct.jsonld import JsonLdExtractor

    found: list[Any] = []
    try:
        tree = lxml.html.fromstring(text.encode("utf-8"))
    except (ValueError, lxml.etree.ParserError) as exc:
        result.skipped.append(f"{path}: not a readable HTML page ({exc}); pass the page's HTML source")
        return
    for number, script in enumerate(tree.xpath('//script[@type="application/ld+json"]'), 1):
        try:
            found.extend(JsonLdExtractor().extract(lxml.html.tostring(script, encoding="unicode")))
        except ValueError as exc:
            result.skipped.append(f"{path}: broken JSON-LD block {number} skipped ({type(exc).__name__}: {str(exc)[:80]})")
    for syntax in ("microdata", "rdfa"):
        try:
            found.extend(extruct.extract(text, syntaxes=[syntax], uniform=True, errors="strict").get(syntax, []))
        except Exception as exc:  # noqa: BLE001 - extruct raises whatever its parsers raise
            result.skipped.append(f"{path}: broken {syntax} markup skipped ({type(exc).__name__}: {str(exc)[:80]})")
    _from_reviews(path, found, result, "HTML page")


def _read_file(path: Path, result: ImportResult, publisher: str) -> None:
    """Reads one file by its kind: JSONL, HTML, else JSON(-LD)."""
    text = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        _from_jsonl(path, text, result, publisher)
    elif suffix in (".html", ".htm") or text.lstrip()[:1] == "<":
        _from_html(path, text, result)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: not JSON ({exc.msg} at line {exc.lineno}); pass ClaimReview JSON-LD, an HTML page or JSONL"
            ) from None
        _from_reviews(path, data, result, "JSON")


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and the fact-check files (by suffix) inside the folders named."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or folder; check the path")


def read_factchecks(paths: Iterable[str | Path], publisher: str = "") -> ImportResult:
    """Reads fact-checks from files and folders; unreadable files and records are skipped with one message
    each. `publisher` names the publisher of JSONL records that do not say (e.g. "Snopes")."""
    result = ImportResult()
    for path in _files(paths):
        result.files += 1
        try:
            _read_file(path, result, publisher)
        except InputError as exc:
            result.skipped.append(str(exc))
    return result
