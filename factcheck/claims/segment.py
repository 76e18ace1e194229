"""Sentence segmentation for news text: spaCy's parser, then fixes for abbreviations, numbers and quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["Sentence", "split_sentences", "quote_groups", "parse_pieces", "PARSE_CHARS"]

# Abbreviations that never end a sentence (titles) and those that end one only before a capital letter.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
    "maj", "rev", "st", "mt", "ft", "pres", "amb", "hon", "messrs", "sr", "jr", "no", "vs", "v", "e.g", "i.e",
    "approx", "est", "dept", "univ", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
}
_MONTH_ABBR = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_COMPANY = {"inc", "corp", "co", "ltd", "jr", "sr"}
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.[\"'”’)]*$")
_PIECE_END = re.compile(r"[.!?][\"'”’)]*\s+")
PARSE_CHARS = 20_000  # characters per parser call: ~40 news paragraphs, far under spaCy's 1,000,000 limit
_OPEN_QUOTES = "“\""
_CLOSE_QUOTES = "”\""


@dataclass
class Sentence:
    """One sentence of the article: its text and character span, its paragraph and quotation."""

    text: str
    start: int
    end: int
    paragraph: int
    quote: int | None = None  # id of the direct quotation it belongs to, if any


def _ends_with_abbreviation(prev: str, nxt: str) -> bool:
    """Tells whether `prev` ends in an abbreviation that does not close the sentence before `nxt`."""
    match = _LAST_WORD.search(prev)
    if not match:
        return False
    word = match.group(1).lower()
    if word in _MONTH_ABBR:
        return nxt[:1].isdigit() or nxt[:1].islower()
    if word in _COMPANY:
        return nxt[:1].islower() or nxt[:1].isdigit()
    if word in _TITLES:
        return True
    return "." in word and (nxt[:1].islower() or nxt[:1].isdigit())  # "U.S." before a lowercase word


def _should_merge(prev: str, nxt: str) -> bool:
    """Tells whether two pieces that the parser split are one sentence."""
    if not prev or not nxt:
        return True
    if nxt[0].islower() or nxt[0] in ",;:%)]}”’" or (nxt[0] == '"' and len(nxt) < 3):
        return True
    if re.search(r"\d[.,]$", prev) and nxt[0].isdigit():  # "2." + "5 percent", "1," + "200"
        return True
    if not prev.rstrip("\"”’')").endswith((".", "!", "?", "…")):
        return True  # the parser split inside a clause
    return _ends_with_abbreviation(prev, nxt)


def _merge_pieces(pieces: Sequence[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Joins adjacent spans that `_should_merge` says belong together."""
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and _should_merge(text[merged[-1][0]:merged[-1][1]], text[start:end]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrinks a span to exclude surrounding whitespace."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))


def _quote_state(piece: str, inside: bool) -> bool:
    """Whether a quotation is still open after `piece`, given whether one was open before it."""
    for char in piece:
        if char == "“" or (char == '"' and not inside):
            inside = True
        elif char in "”\"":
            inside = False
    return inside


def quote_groups(sentences: list[Sentence], text: str) -> None:
    """Marks the sentences of each direct quotation (which may span sentences) with a shared quote id."""
    group, inside = 0, False
    for i, sent in enumerate(sentences):
        piece = text[sent.start:sent.end]
        if inside or any(q in piece for q in _OPEN_QUOTES):
            group += not inside
            sent.quote = group
        inside = _quote_state(piece, inside)
        if inside and i + 1 < len(sentences) and sentences[i + 1].paragraph != sent.paragraph:
            inside = False  # an unclosed quotation ends with its paragraph (news style reopens it)


def parse_pieces(text: str, start: int, end: int, size: int = PARSE_CHARS) -> list[tuple[int, int]]:
    """Cuts a block into spans of at most `size` characters for the parser, after a sentence end where there
    is one, else at a space (spaCy refuses texts over 1,000,000 characters, and needs ~1 GB per 100,000)."""
    pieces = []
    while end - start > size:
        window = text[start:start + size]
        ends = [m.end() for m in _PIECE_END.finditer(window)]
        cut = start + (ends[-1] if ends and ends[-1] > size // 2 else (window.rfind(" ") + 1 or size))
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def split_sentences(nlp: Any, text: str, blocks: Sequence[tuple[int, int]]) -> list[Sentence]:
    """Splits each body block of `text` into sentences with spans into `text`."""
    sentences: list[Sentence] = []
    spans = [(number, piece) for number, (a, b) in enumerate(blocks) for piece in parse_pieces(text, a, b)]
    # only the parser sets sentence boundaries: the tagger, lemmatizer and NER run later, on each sentence
    unused = [name for name in nlp.pipe_names if name not in ("tok2vec", "parser", "senter", "sentencizer")]
    for (number, block), doc in zip(spans, nlp.pipe((text[a:b] for _, (a, b) in spans), disable=unused)):
        offset = block[0]
        pieces = [_strip_span(text, offset + s.start_char, offset + s.end_char) for s in doc.sents]
        for start, end in _merge_pieces([p for p in pieces if p[1] > p[0]], text):
            sentences.append(Sentence(text[start:end], start, end, number))
    quote_groups(sentences, text)
    return sentences
