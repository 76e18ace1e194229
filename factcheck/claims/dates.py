"""Dates and time expressions in claim text: full dates, months, years, weekdays, relative and durations."""

from __future__ import annotations

import re

from factcheck.records import TimeExpression

__all__ = ["find_dates", "MONTHS"]

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PREP = r"(?:(?P<prep>since|in|on|by|until|till|from|before|after|during|through|as of)\s+)?"
_QUAL = r"(?:(?P<qual>late|early|mid|mid-|the end of|the beginning of|the start of)[\s-]+)?"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

# Ordered by priority: earlier patterns win where matches overlap.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("date", re.compile(rf"\b{_PREP}{_MONTH}\s+{_DAY}\s?,?\s+{_YEAR}\b")),  # also tokenised "May 9 , 2006"
    ("date", re.compile(rf"\b{_PREP}{_DAY}\s+{_MONTH}\s+{_YEAR}\b")),
    ("date", re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d\d)-(?P<day>\d\d)\b")),
    ("date", re.compile(rf"\b{_PREP}{_MONTH}\s+{_DAY}\b(?!\s?,?\s*\d)")),
    ("month", re.compile(rf"\b{_PREP}{_QUAL}{_MONTH}(?:,?\s+{_YEAR})?\b(?!\s+\d)")),
    ("year", re.compile(rf"\b{_PREP}{_QUAL}(?:the\s+)?{_YEAR}s?\b(?![,.]\d)")),
    ("weekday", re.compile(rf"\b{_PREP}(?:last\s+|next\s+|this\s+)?(?P<weekday>{_WEEKDAYS})\b")),
    ("relative", re.compile(
        r"\b(?:yesterday|today|tomorrow|tonight|(?:last|next|this|past|coming)\s+(?:week|month|year|decade|weekend|summer|winter|spring|autumn|fall)"
        r"|(?:earlier|later)\s+this\s+(?:week|month|year)|(?:days?|weeks?|months?|years?)\s+ago)\b", re.I)),
    ("duration", re.compile(
        r"\b(?:(?:more than|over|nearly|almost|about|at least|less than)\s+)?(?:a|an|one|two|three|four|five|six|seven|"
        r"eight|nine|ten|a few|several|\d+)\s+(?:decades?|years?|months?|weeks?|days?|hours?)\b", re.I)),
]


def _int(match: re.Match, name: str) -> int | None:
    """Reads a named group as an int, or None when the pattern has no such group or it is empty."""
    value = match.groupdict().get(name)
    return int(value) if value else None


def _month(match: re.Match) -> int | None:
    """Reads the month from a name ("Dec.") or a number."""
    name = match.groupdict().get("month")
    if name:
        return MONTHS[name.rstrip(".").lower()]
    return _int(match, "mnum")


def _expression(kind: str, match: re.Match) -> TimeExpression | None:
    """Builds a TimeExpression from a match; a bare "May" without day or year is taken as the verb."""
    month = _month(match)
    name = match.groupdict().get("month") or ""
    if kind == "month" and name == "May" and not (match.groupdict().get("year") or match.groupdict().get("prep")):
        return None
    return TimeExpression(
        text=match.group(0), year=_int(match, "year"), month=month, day=_int(match, "day"), kind=kind,
        start=match.start(), end=match.end(),
    )


def find_dates(text: str) -> list[TimeExpression]:
    """Finds the time expressions in a sentence, longest-priority first, without overlaps, in text order."""
    found: list[TimeExpression] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(e.start < match.end() and match.start() < e.end for e in found):
                continue
            expression = _expression(kind, match)
            if expression is not None:
                found.append(expression)
    return sorted(found, key=lambda e: e.start)
