"""Numbers in claim text: digits, number words and scales, percentages, money, with approximate or bound markers."""

from __future__ import annotations

import re

from factcheck.records import Quantity

__all__ = ["find_quantities", "parse_number"]

_SMALL = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "hundred": 100, "a dozen": 12, "dozen": 12,
}
_FRACTIONS = {"half a": 0.5, "a quarter of a": 0.25, "a third of a": 1 / 3, "a": 1.0}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_SHARES = {"half": 0.5, "a third": 1 / 3, "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25,
           "three-quarters": 0.75, "three quarters": 0.75}
_BOUNDS = [
    (re.compile(r"(?:more than|over|above|at least|upwards of|in excess of|exceeding|no fewer than|no less than)\s+$", re.I), "lower"),
    (re.compile(r"(?:less than|fewer than|under|below|at most|up to|no more than|not more than)\s+$", re.I), "upper"),
    (re.compile(r"(?:about|around|approximately|nearly|almost|roughly|some|an estimated|estimated|close to|~)\s+$", re.I), "approx"),
]
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = "|".join(sorted((re.escape(w) for w in _SMALL), key=len, reverse=True))
_SCALE = r"thousand|million|billion|trillion"
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "dollars": "USD", "dollar": "USD", "euros": "EUR",
             "euro": "EUR", "pounds": "GBP"}
_PATTERN = re.compile(
    rf"(?P<cur>US\$|\$|€|£)?\s?"
    rf"(?:(?P<num>{_NUM})|(?P<frac>\b(?:half a|a quarter of a|a third of a|a))(?=\s+(?:{_SCALE})\b)|(?P<word>\b(?:{_WORDNUM})\b))"
    rf"(?P<scale>[\s-]+(?:{_SCALE})|bn|m|k)?\b"
    rf"(?P<pct>\s?%|\s+per ?cent\b|\s+percent\b)?"
    rf"(?P<unit>\s+(?:of\s+)?(?!(?:in|on|at|to|and|or|the|a|an|of|for|by|from|with|since|after|before|that|them|us|those|these|which|who|it|is|are|was|were|has|have|had)\b)[a-z][a-z-]+)?",
    re.I,
)
_SHARE = re.compile(r"\b(?P<share>half|a third|two-thirds|two thirds|a quarter|three-quarters|three quarters)\s+(?:of\s+)?(?P<unit>the|its|their|his|her|[A-Z]\w+’s|[A-Z]\w+'s)\b")
_YEAR = re.compile(r"^(?:1[6-9]\d\d|20\d\d)$")
_DATE_CONTEXT = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s*$"
)


def parse_number(text: str) -> float:
    """Parses digits with thousands separators ("12,000,000") or a number word ("twenty") into a float."""
    text = text.strip().lower()
    if text in _SMALL:
        return float(_SMALL[text])
    return float(text.replace(",", ""))


def _bound(prefix: str, default: str) -> str:
    """Reads the bound marker ("more than", "about") just before a number."""
    for pattern, bound in _BOUNDS:
        if pattern.search(prefix[-25:].rstrip() + " "):
            return bound
    return default


def _value(match: re.Match) -> tuple[float, bool]:
    """Returns the number a match denotes and whether it came from words (hence approximate)."""
    scale = _SCALES.get((match.group("scale") or "").strip(" -").lower(), 1.0)
    if match.group("num"):
        return parse_number(match.group("num")) * scale, False
    if match.group("frac"):
        return _FRACTIONS[match.group("frac").lower()] * scale, True
    return parse_number(match.group("word")) * scale, False


def _is_date_number(match: re.Match, text: str) -> bool:
    """Tells whether a bare number is a year or a day of a date, which dates.py handles."""
    if match.group("cur") or match.group("scale") or match.group("pct") or not match.group("num"):
        return False
    num = match.group("num")
    if _YEAR.match(num):
        return True
    return bool(_DATE_CONTEXT.search(text[: match.start("num")])) and num.isdigit() and int(num) <= 31


def _unit(match: re.Match) -> str:
    """Picks the unit: currency, percent, or the noun that follows the number."""
    cur = match.group("cur") or ""
    unit_word = (match.group("unit") or "").strip()
    unit_word = unit_word[3:] if unit_word.lower().startswith("of ") else unit_word
    if cur:
        return _CURRENCY[cur]
    if match.group("pct"):
        return "%"
    if unit_word.lower() in _CURRENCY:
        return _CURRENCY[unit_word.lower()]
    return unit_word.lower()


def _from_match(match: re.Match, text: str) -> Quantity | None:
    """Builds a Quantity from one number match, or None for dates and stray words."""
    if _is_date_number(match, text):
        return None
    if match.group("word") and not (match.group("scale") or match.group("unit") or match.group("pct")):
        return None  # a lone "one" or "ten" is rarely a checkable quantity
    value, worded = _value(match)
    default = "approx" if match.group("frac") or (worded and match.group("scale")) else "exact"
    bound = _bound(text[: match.start()], default)
    end = match.end("pct") if match.group("pct") else match.end()
    if match.group("unit") and not match.group("pct"):
        end = match.end("unit")
    first = next(g for g in ("cur", "num", "frac", "word") if match.group(g))
    start = match.start(first)
    return Quantity(text=text[start:end].strip(), value=value, unit=_unit(match), bound=bound, start=start, end=end)


def _shares(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Finds fractions of a whole: "half the country's population" -> 0.5 share."""
    found = []
    for match in _SHARE.finditer(text):
        if any(a < match.end("share") and match.start() < b for a, b in taken):
            continue
        word = match.group("share").lower()
        found.append(Quantity(text=match.group("share"), value=_SHARES[word], unit="share", bound="exact",
                              start=match.start(), end=match.end("share")))
    return found


def find_quantities(text: str) -> list[Quantity]:
    """Finds the quantities in a sentence, in order of appearance."""
    found: list[Quantity] = []
    for match in _PATTERN.finditer(text):
        if not match.group(0).strip():
            continue
        quantity = _from_match(match, text)
        if quantity is not None:
            found.append(quantity)
    found += _shares(text, [(q.start, q.end) for q in found])
    return sorted(found, key=lambda q: q.start)
