"""Article sentences: the body blocks split by the one sentence splitter (`factcheck.text`), with paragraphs and quotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from factcheck.text import split_sentences

__all__ = ["Sentence", "block_sentences", "quote_groups"]

_OPEN_QUOTES = "“\""


@dataclass
class Sentence:
    """One sentence of the article: its text and character span, its paragraph and quotation."""

    text: str
    start: int
    end: int
    paragraph: int
    quote: int | None = None  # id of the direct quotation it belongs to, if any


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


def block_sentences(text: str, blocks: Sequence[tuple[int, int]]) -> list[Sentence]:
    """Splits each body block of `text` into sentences (`factcheck.text.split_sentences`) with spans into `text`,
    and marks the sentences of each direct quotation."""
    sentences = [
        Sentence(text[a + s:a + e], a + s, a + e, number)
        for number, (a, b) in enumerate(blocks)
        for s, e in split_sentences(text[a:b])
    ]
    quote_groups(sentences, text)
    return sentences
