"""Evidence as HTML: the words and numbers a passage shares with its claim are marked."""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Iterable

from factcheck.records import CheckResult, Evidence

__all__ = ["token_key", "content_tokens", "highlight", "evidence_html", "source_link"]

# Numbers (with thousands separators and decimals) or words (letters, inner apostrophes).
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*")


@functools.cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def token_key(token: str) -> str | None:
    """The comparison key of a token: "500,000" -> "500000", "Protests" -> "protest"; None for stop words."""
    if token[0].isdigit():
        number = token.replace(",", "")
        return (number.rstrip("0").rstrip(".") or "0") if "." in number else number
    word = re.sub(r"['’]s$", "", token.lower())
    if len(word) < 2 or word in _stop_words():
        return None
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]  # a light plural strip: "sanctions" matches "sanction"
    return word


def content_tokens(text: str) -> set[str]:
    """The keys of the content words and numbers in a text."""
    return {key for m in _TOKEN.finditer(text) if (key := token_key(m.group()))}


def highlight(text: str, keys: Iterable[str]) -> str:
    """HTML-escapes a text and wraps the tokens whose key is in `keys` in <mark>."""
    keys = set(keys)
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        if token_key(m.group()) in keys:
            out += [html.escape(text[last:m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
            last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def source_link(evidence: Evidence) -> str:
    """A link to the evidence's source: its URL (http/https), else its file path; plain text otherwise."""
    label = html.escape(evidence.title or evidence.source or evidence.url or evidence.doc_id)
    anchor = f"#page={evidence.page}" if evidence.page is not None else ""  # PDF viewers open that page
    where = f", p. {evidence.page}" if evidence.page is not None else (f", § {evidence.section}" if evidence.section else "")
    if evidence.url and evidence.url.startswith(("http://", "https://")):
        link = f'<a href="{html.escape(evidence.url + anchor)}" target="_blank" rel="noopener">{label}</a>'
        return link + (f" <small>{html.escape(where.lstrip(', '))}</small>" if where else "")
    if evidence.source:
        path = Path(re.sub(r":\d+$", "", evidence.source)).expanduser().absolute()  # "file.jsonl:12" -> file
        link = f'<a href="{html.escape(path.as_uri() + anchor)}" target="_blank">{label}</a>'
        return f"{link} <code>{html.escape(evidence.source + where)}</code>"
    return label


def _sentence_span(evidence: Evidence, passage: str) -> tuple[int, int] | None:
    """Where the evidence sentence lies in the passage: by its offsets (whitespace may differ), else by search."""
    start, end = evidence.sentence_start - evidence.passage_start, evidence.sentence_end - evidence.passage_start
    if evidence.passage_start >= 0 and 0 <= start < end <= len(passage):
        if passage[start:end].split() == evidence.sentence.split():
            return start, end
    found = passage.find(evidence.sentence) if evidence.sentence else -1
    return (found, found + len(evidence.sentence)) if found >= 0 else None


def _passage_html(evidence: Evidence, keys: set[str]) -> str:
    """The passage with shared tokens marked and the evidence sentence in bold (the sentence alone if no passage)."""
    passage = evidence.passage or evidence.sentence
    span = _sentence_span(evidence, passage)
    if span is None:
        return highlight(passage, keys)
    start, end = span
    return (highlight(passage[:start], keys) + "<strong>" + highlight(passage[start:end], keys) + "</strong>"
            + highlight(passage[end:], keys))


def _evidence_block(number: int, evidence: Evidence, keys: set[str]) -> str:
    """One evidence item: stance, probabilities, source link, passage, and the numeric check if any."""
    probs = " ".join(f"{html.escape(k)} {v:.2f}" for k, v in sorted(evidence.probs.items(), key=lambda kv: -kv[1]))
    lines = [f"<p><b>#{number}</b> · stance <b>{html.escape(evidence.stance)}</b>"
             + (f" · <small>{probs}</small>" if probs else "") + f" · {source_link(evidence)}</p>",
             f"<blockquote>{_passage_html(evidence, keys)}</blockquote>"]
    if evidence.why:
        lines.append(f"<p><small>why: {html.escape(evidence.why)}</small></p>")
    if evidence.numeric:
        numeric = json.dumps(evidence.numeric, ensure_ascii=False, default=str)
        lines.append(f"<p><small>numbers: <code>{html.escape(numeric)}</code></small></p>")
    return '<div class="fc-evidence">' + "".join(lines) + "</div>"


def evidence_html(result: CheckResult) -> str:
    """The claim, its verdict and its evidence passages as HTML, with shared words and numbers marked."""
    claim, keys = result.claim, content_tokens(result.claim.text)
    shared = set().union(*(content_tokens(e.passage or e.sentence) for e in result.evidence)) & keys
    speaker = f" · speaker {html.escape(claim.attribution.speaker)}" if claim.attribution else ""
    head = (f"<p><b>{html.escape(claim.id)}</b> · <b>{result.verdict}</b> (confidence {result.confidence:.2f})"
            f" · check-worthiness {claim.score:.2f}{speaker}</p>"
            f"<blockquote><b>{highlight(claim.text, shared)}</b></blockquote>")
    if result.rationale:
        head += f"<p><i>{html.escape(result.rationale)}</i></p>"
    body = [_evidence_block(i, e, keys) for i, e in enumerate(result.evidence, 1)]
    body_html = "".join(body) or "<p>No evidence was found for this claim.</p>"
    return f'<div class="fc-review">{head}{body_html}</div>'
