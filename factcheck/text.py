"""Words of English text for overlap: one stopword list and one stemmer for every stage.

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

__all__ = ["STOPWORDS", "STEMMER_LANGUAGE", "MIN_PREFIX", "words", "content_words", "stemmer", "stem", "stems", "stem_set", "related_stems"]

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
_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_LOCAL = threading.local()


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
