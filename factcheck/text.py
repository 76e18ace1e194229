"""English text for every stage: one sentence splitter, one stopword list and one stemmer.

`split_sentences` is a light regex splitter (abbreviation-aware): the index cuts passages from its sentences,
evidence selection picks sentences inside passages with it, and claim extraction splits article paragraphs
with it (`benchmarks/bench_sentences.py`: as accurate as the spaCy parser on news and SciFact, ~1000x faster).

The stemmer is the Snowball English stemmer (PyStemmer) that the BM25 index uses, so "sanctions",
"sanctioned" and "sanctioning" are one word everywhere. The BM25 index keeps bm25s' own short stop
list ("en", 33 words) because saved indexes were tokenized with it.

    >>> from factcheck.text import content_words, stems
    >>> content_words("The vaccine cut hospital admissions by 40 percent.")
    ['vaccine', 'cut', 'hospital', 'admissions', '40', 'percent']
    >>> sorted(stems(["admissions", "admitted", "vaccines"]))
    ['admiss', 'admit', 'vaccin']
"""

from __future__ import annotations

import re
import threading
from typing import Any, Iterable

__all__ = [
    "split_sentences",
    "add_span",
    "STOPWORDS",
    "STEMMER_LANGUAGE",
    "MIN_PREFIX",
    "words",
    "content_words",
    "stemmer",
    "stem",
    "stems",
    "stem_set",
    "related_stems",
]

STEMMER_LANGUAGE = "english"  # Snowball, as the BM25 index (`index/lexical.py`)
MIN_PREFIX = 5  # a stem this long that starts another names the same thing ("syria"/"syrian", "nation"/"nationwide")
# English function words, reporting verbs and the hedges around figures ("more than", "about", "nearly"):
# words that name no event and no topic.
STOPWORDS = frozenset(
    "a an the of in on at to for by with from and or but as is are was were be been being has have had "
    "will would can said also not no into about after before than more less over under nearly almost around "
    "some any each per least most up down since until so such very just only all one new there here when "
    "where while which who whom whose that this these those it its their his her they them we".split()
)
# Abbreviations after which a period never ends a sentence, and month abbreviations, which end one unless a
# day follows ("Nov. 18").
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "gov",
    "pres", "amb", "hon", "messrs", "rev", "st", "mt", "ft", "jr", "sr", "no", "nos", "vol", "art", "sec", "fig",
    "inc", "ltd", "co", "corp", "dept", "univ", "est", "vs", "v", "etc", "e.g", "i.e", "approx", "res", "cong",
    "pp", "para", "u.s", "u.n", "u.k", "u.s.c",
}
_MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
# A candidate end: terminal punctuation (plus closing quotes/brackets) then whitespace, or a
# clause-ending semicolon/colon at a line end (legal "Whereas ...;" lists), or a blank line.
_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)|[;:](?=[ \t]*\n)|\n[ \t]*\n""")
# What may start a sentence: a capital, a digit, a list mark, or a symbol written lower-case ("p53", "mRNA")
_NEXT_START = re.compile(r"""\s*["'“‘(\[]*(?:[A-Z0-9#*\-•]|[a-z]+[A-Z0-9])""")
_LAST_WORD = re.compile(r"(?<![A-Za-z0-9])([A-Za-z.]+)\.$")  # "U.S.", "Mr."; not the "st" of "21st."
_DAY = re.compile(r"\s+\d")
_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_LOCAL = threading.local()


def _is_abbreviation(text: str, end: int) -> bool:
    """Tells whether the period ending at `end` closes an abbreviation or an initial ("Mr.", "U.S.", "J.")."""
    match = _LAST_WORD.search(text[max(0, end - 12) : end])
    if not match:
        return False
    word = match.group(1).lower()
    if word in _MONTHS:
        return bool(_DAY.match(text, end))
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Splits text into sentence spans `(start, end)`, whitespace trimmed, covering every non-blank character.

    A light regex splitter: terminal punctuation before a capital, a digit or a symbol ends a sentence unless
    it closes an abbreviation or an initial; paragraph breaks and line-final semicolons end one too.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        token = match.group()
        if token[0] == "." and token.rstrip("\"'”’)]") == "." and _is_abbreviation(text, match.start() + 1):
            continue
        if token[0] in ".!?" and not _NEXT_START.match(text, end):
            continue
        add_span(text, start, end, spans)
        start = end
    add_span(text, start, len(text), spans)
    return spans


def add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Appends text[start:end] as a span with surrounding whitespace trimmed, if it is not blank."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def words(text: str, numbers: bool = True) -> list[str]:
    """The lower-cased words of a text (letters and digits; with `numbers=False`, letters only)."""
    return (_WORD if numbers else _LETTERS).findall(text.lower())


def content_words(text: str, numbers: bool = True) -> list[str]:
    """The words of a text that are not stop words or single characters, in order."""
    return [w for w in words(text, numbers) if w not in STOPWORDS and len(w) > 1]


def stemmer() -> Any:
    """The Snowball English stemmer (PyStemmer) shared by the BM25 index and the overlap measures; one per
    thread, as PyStemmer's objects are not thread-safe."""
    found = getattr(_LOCAL, "stemmer", None)
    if found is None:
        import Stemmer

        found = _LOCAL.stemmer = Stemmer.Stemmer(STEMMER_LANGUAGE)
    return found


def stem(word: str) -> str:
    """The Snowball stem of one lower-case word."""
    return stemmer().stemWord(word)


def stems(items: Iterable[str]) -> list[str]:
    """The Snowball stems of lower-case words, in order."""
    return stemmer().stemWords(list(items))


def stem_set(text: str, numbers: bool = True) -> set[str]:
    """The stems of a text's content words."""
    return set(stems(content_words(text, numbers)))


def related_stems(a: Iterable[str], b: Iterable[str]) -> set[str]:
    """The stems of `a` that name something `b` names: the same stem, or one that starts the other and has at
    least MIN_PREFIX letters (derivations the stemmer keeps apart: "syria"/"syrian", "govern"/"governor")."""
    others = set(b)
    found = set()
    for word in set(a):
        if word in others or any(_prefix_of(word, o) or _prefix_of(o, word) for o in others):
            found.add(word)
    return found


def _prefix_of(short: str, long: str) -> bool:
    """Tells whether `short` is a long enough stem that starts `long`."""
    return len(short) >= MIN_PREFIX and long.startswith(short)
