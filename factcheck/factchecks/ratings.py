"""Fact-check ratings on one normalised scale: false / mostly false / mixed / mostly true / true / unrated.

Publishers word their ratings differently (PolitiFact's Truth-O-Meter, Snopes' "Mixture", a ClaimReview
`reviewRating` with a number between `worstRating` and `bestRating`); `normalise_rating` maps each onto
the scale. The original text is always kept beside it.
"""

from __future__ import annotations

import re
from typing import Any, Literal

__all__ = ["RATING_SCALE", "Rating", "normalise_rating", "rating_from_text", "rating_from_value"]

Rating = Literal["false", "mostly false", "mixed", "mostly true", "true", "unrated"]
RATING_SCALE: tuple[Rating, ...] = ("false", "mostly false", "mixed", "mostly true", "true", "unrated")

# Rating words of the large publishers (PolitiFact, Snopes, FactCheck.org, Full Fact, AFP, Reuters, the
# Washington Post's Pinocchios), lower-cased with punctuation turned into spaces. Phrases are tried before
# single words, so "mostly false" never reads as "false".
_PHRASES: dict[str, Rating] = {
    "pants on fire": "false", "pants fire": "false", "four pinocchios": "false", "fake": "false",
    "fabricated": "false", "hoax": "false", "scam": "false", "incorrect": "false", "wrong": "false",
    "not true": "false", "untrue": "false", "baseless": "false", "no evidence": "false", "false": "false",
    "mostly false": "mostly false", "barely true": "mostly false", "three pinocchios": "mostly false",
    "largely false": "mostly false", "misleading": "mostly false", "exaggerated": "mostly false",
    "half true": "mixed", "mixture": "mixed", "mixed": "mixed", "partly true": "mixed", "partly false": "mixed",
    "partially true": "mixed", "partially false": "mixed", "two pinocchios": "mixed", "half flip": "unrated",
    "mostly true": "mostly true", "largely true": "mostly true", "largely accurate": "mostly true",
    "one pinocchio": "mostly true", "true": "true", "correct": "true", "accurate": "true", "geppetto checkmark": "true",
    "full flop": "unrated", "no flip": "unrated", "unproven": "unrated", "unverified": "unrated",
    "research in progress": "unrated", "satire": "unrated", "outdated": "unrated",
}
_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _PHRASES), key=len, reverse=True)) + r")\b")


def rating_from_text(text: str | None) -> Rating | None:
    """The scale value of a rating's wording ("Pants on Fire!", "half-true", "Mostly False"), or None."""
    if not text:
        return None
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    found = _PATTERN.search(words)
    return _PHRASES[found.group(1)] if found else None


def rating_from_value(value: Any, worst: Any = 1, best: Any = 5) -> Rating | None:
    """The scale value of a numeric rating between `worst` and `best` (schema.org defaults 1 and 5), in
    five equal bands; None when the numbers are missing or out of range."""
    try:
        value, worst, best = float(value), float(1 if worst is None else worst), float(5 if best is None else best)
    except (TypeError, ValueError):
        return None
    if best == worst or not min(worst, best) <= value <= max(worst, best):
        return None
    position = (value - worst) / (best - worst)  # 0 = worst (false), 1 = best (true)
    return RATING_SCALE[min(4, int(position * 5))]


def normalise_rating(text: str | None, value: Any = None, worst: Any = None, best: Any = None) -> Rating:
    """The scale value of a rating: its wording when recognised, else its number, else "unrated"."""
    return rating_from_text(text) or (rating_from_value(value, worst, best) if value is not None else None) or "unrated"
