"""Explicit number and date checks between a claim and one evidence sentence.

Plain NLI models are weak on numbers, so the pipeline compares the quantities and dates that the
claim and the evidence state. The arithmetic is pure: it takes the texts and their parsed `Quantity`
and `TimeExpression` records and returns a `NumericCheck`.

- A number or date is only compared with one that describes the same event: the content words just
  around each ("*displaced* 12 million *Syrians*" / "the *displacement* of more than 12,000,000 *Syrian* civilians")
  must share a stem (Snowball, `factcheck.text`), or one stem must start the other ("syria"/"syrian"); the
  pipeline also lets two words match by meaning, their embeddings' cosine ("killed" / "deaths", `EmbeddedWords`).
  "Became law on December 20, 2019" is another event than "took effect in 2020".
  The words are taken within the mention's clause, so an attribution ("According to the UN refugee
  agency, about 3.6 million were registered in Turkey") or the next item of a list does not name its event.
- Quantities are compared as value ranges: an exact value gets a small tolerance, an approximate one
  ("half a million") a wider one, and a bound ("more than 500,000") covers the values a reader would
  take it to mean (from the bound up to twice it). Disjoint ranges are a mismatch.
- Dates are compared as far as both state them (year, then month, then day): the same event in another
  year, month or day is a mismatch; evidence that states no date for the event, only a coarser one ("the
  Act of 2019" for "December 20, 2019"), or dates only other events, neither establishes nor refutes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from factcheck.records import PlainStrEnum, Quantity, TimeExpression
from factcheck.text import content_words, related_stems, stems
from factcheck.verify.direction import direction_conflicts

__all__ = [
    "Outcome",
    "NumericCheck",
    "value_range",
    "quantities_agree",
    "event_words",
    "same_event_words",
    "EmbeddedWords",
    "EVENT_SIMILARITY",
    "check_quantities",
    "date_relation",
    "check_dates",
    "check_numbers",
]

EXACT_TOLERANCE = 0.02  # 2%: rounding in reporting
APPROX_TOLERANCE = 0.25  # "about half a million" covers 400k-625k
BOUND_SPAN = 2.0  # "more than X" is read as X..2X; "less than X" as X/2..X
WINDOW = 2  # content words on each side of a number or date that name its event (its predicate, not its subject)
EVENT_SIMILARITY = 0.65  # MiniLM cosine of two event words that name one event (benchmarks/bench_same_event.py)

# clause boundaries; not the comma of "12,000" or "December 22 , 1970", nor parentheses ("Hush (2016 film)")
_CLAUSE = re.compile(r",(?!\s*\d)|;|:(?!\d)|\s[-\u2013\u2014]\s|\u2014")


Mention = Quantity | TimeExpression
WordSimilarity = Callable[[list[str], list[str]], float]  # the highest similarity between words of two lists


class EmbeddedWords:
    """The highest cosine between the words of two lists under a sentence embedder, each word embedded once."""

    def __init__(self, embedder: Any, max_words: int = 20_000):
        self.embedder = embedder
        self.max_words = max_words
        self._vectors: dict[str, Any] = {}

    def __call__(self, a: list[str], b: list[str]) -> float:
        if len(self._vectors) > self.max_words:
            self._vectors.clear()  # bounded memory on long runs; the words come back as needed
        missing = sorted({*a, *b} - self._vectors.keys())
        if missing:
            self._vectors.update(zip(missing, self.embedder.encode(missing)))
        return max(float(self._vectors[x] @ self._vectors[y]) for x in a for y in b)


class Outcome(PlainStrEnum):
    """The outcome of the quantity check (none, agree, disagree, mixed, unmatched), of the date check
    (none, agree, disagree, missing, other) or of the direction check (none, disagree) for one claim / evidence
    pair."""

    NONE = "none"  # the claim states no quantity (no date)
    AGREE = "agree"  # every compared figure (date) agrees
    DISAGREE = "disagree"  # none of the compared quantities agrees; a date of the same event differs
    MIXED = "mixed"  # some compared quantities agree, some do not
    UNMATCHED = "unmatched"  # no evidence quantity describes the claim's event
    MISSING = "missing"  # the evidence states no date for the event, or only a coarser one
    OTHER = "other"  # the evidence dates other events only

    @classmethod
    def _missing_(cls, value: object) -> "Outcome | None":
        return cls.DISAGREE if value == "differ" else None  # the dates' word in reports before schema version 3


DateRelation = Literal[Outcome.AGREE, Outcome.DISAGREE, Outcome.MISSING]  # of two dates; MISSING: the evidence's is coarser


@dataclass(frozen=True)
class NumericCheck:
    """Outcome of comparing a claim's numbers, dates and directions with one evidence sentence."""

    quantities: Outcome = Outcome.NONE
    dates: Outcome = Outcome.NONE
    details: list[str] = field(default_factory=list)
    direction: Outcome = Outcome.NONE  # DISAGREE: the sentence says a word the claim names goes the other way

    def __post_init__(self) -> None:
        object.__setattr__(self, "quantities", Outcome(self.quantities))  # from a recorded report's strings
        object.__setattr__(self, "dates", Outcome(self.dates))
        object.__setattr__(self, "direction", Outcome(self.direction))

    def to_dict(self) -> dict:
        return {"quantities": self.quantities, "dates": self.dates, "direction": self.direction, "details": self.details}


def value_range(q: Quantity) -> tuple[float, float]:
    """The range of values a quantity is read to mean."""
    v = abs(q.value)
    if q.bound == "lower":
        return v, v * BOUND_SPAN
    if q.bound == "upper":
        return v / BOUND_SPAN, v
    tol = APPROX_TOLERANCE if q.bound == "approx" else EXACT_TOLERANCE
    return v * (1 - tol), v * (1 + tol)


def quantities_agree(a: Quantity, b: Quantity) -> bool:
    """Tells whether two quantities can both be true (their ranges overlap)."""
    lo_a, hi_a = value_range(a)
    lo_b, hi_b = value_range(b)
    return lo_a <= hi_b and lo_b <= hi_a


def event_words(text: str, start: int, end: int = -1) -> set[str]:
    """The content words around a mention at text[start:end], within its clause: the last WINDOW before
    it and the first WINDOW after it (from the next clause when its own has none after it: "In 2011,
    protests began"): the words that name the mention's event, lower-cased."""
    start = max(start, 0)
    cuts = [(m.start(), m.end()) for m in _CLAUSE.finditer(text)]
    clause_start = max((b for a, b in cuts if b <= start), default=0)
    content = content_words(text[clause_start:start], numbers=False)[-WINDOW:]
    if end >= 0:
        pos = end
        for a, b in [c for c in cuts if c[0] >= end] + [(len(text), len(text))]:
            if words := content_words(text[pos:a], numbers=False):
                content += words[:WINDOW]
                break
            pos = b
    return set(content)


SHARE_UNITS = {"share", "%", "percent", "per cent", "fraction"}


def same_event_words(a: set[str], b: set[str], similar: WordSimilarity | None = None) -> bool:
    """Whether two mentions' event words name one event: a shared (or derived) stem, or, given `similar`,
    two words whose embeddings reach EVENT_SIMILARITY ("killed" / "deaths", "revenue" / "sales")."""
    if related_stems(stems(a), stems(b)):
        return True
    return bool(similar and a and b and similar(sorted(a), sorted(b)) >= EVENT_SIMILARITY)


def _same_event(
    claim_text: str, a: Mention, ev_text: str, b: Mention, similar: WordSimilarity | None = None
) -> bool:
    """Whether two mentions describe the same event; mentions without offsets are assumed to.
    A share ("half of the population", "40 percent") never matches a count."""
    if isinstance(a, Quantity) and isinstance(b, Quantity) and (a.unit in SHARE_UNITS) != (b.unit in SHARE_UNITS):
        return False
    if a.start < 0 or b.start < 0:
        return True
    return same_event_words(event_words(claim_text, a.start, a.end), event_words(ev_text, b.start, b.end), similar)


def check_quantities(
    claim_text: str, claim: list[Quantity], ev_text: str, evidence: list[Quantity], similar: WordSimilarity | None = None
) -> tuple[Outcome, list[str]]:
    """Compares each claim quantity with the evidence quantities of the same event: "agree" when every
    compared quantity agrees, "disagree" when none does, "mixed" otherwise, "unmatched" when none compares.
    The details also name the claim quantities left unchecked."""
    if not claim:
        return Outcome.NONE, []
    agreed, disagreed, details = 0, 0, []
    for q in claim:
        peers = [e for e in evidence if _same_event(claim_text, q, ev_text, e, similar)]
        if not peers:
            details.append(f"no figure for the event of {q.text!r}")
            continue
        match = next((e for e in peers if quantities_agree(q, e)), None)
        if match is not None:
            agreed += 1
            details.append(f"{q.text!r} agrees with {match.text!r}")
        else:
            disagreed += 1
            details.append(f"{q.text!r} disagrees with {peers[0].text!r}")
    if agreed and disagreed:
        return Outcome.MIXED, details
    return (Outcome.AGREE if agreed else Outcome.DISAGREE if disagreed else Outcome.UNMATCHED), details


def date_relation(claim: TimeExpression, evidence: TimeExpression) -> DateRelation:
    """Compares two dates as far as both state them (year, month, day): AGREE when the evidence states
    everything the claim does, DISAGREE when a part both state differs, MISSING when the evidence
    stops before the claim does ("2019" for "December 20, 2019")."""
    for mine, theirs in ((claim.year, evidence.year), (claim.month, evidence.month), (claim.day, evidence.day)):
        if mine is None:
            return Outcome.AGREE
        if theirs is None:
            return Outcome.MISSING
        if mine != theirs:
            return Outcome.DISAGREE
    return Outcome.AGREE


def check_dates(
    claim_text: str, claim: list[TimeExpression], ev_text: str, evidence: list[TimeExpression], similar: WordSimilarity | None = None
) -> tuple[Outcome, list[str]]:
    """Checks whether the evidence states the claim's dates (as far as the claim states them) for the same event."""
    dated = [d for d in claim if d.year is not None]
    if not dated:
        return Outcome.NONE, []
    outcome, details = Outcome.AGREE, []
    for d in dated:
        peers = [e for e in evidence if e.year is not None and _same_event(claim_text, d, ev_text, e, similar)]
        relations = {date_relation(d, e): e for e in reversed(peers)}  # the first peer of each relation
        if Outcome.AGREE in relations:
            details.append(f"date {d.text!r} stated in the evidence")
        elif Outcome.DISAGREE in relations:
            details.append(f"claim says {d.text!r}; the evidence says {relations[Outcome.DISAGREE].text!r} for the same event")
            outcome = Outcome.DISAGREE
        elif Outcome.MISSING in relations:
            details.append(f"the evidence gives only {relations[Outcome.MISSING].text!r} for {d.text!r}")
            outcome = Outcome.MISSING if outcome == Outcome.AGREE else outcome
        elif any(e.year is not None for e in evidence):
            details.append(f"the evidence dates another event, not {d.text!r}")
            outcome = Outcome.OTHER if outcome in (Outcome.AGREE, Outcome.MISSING) else outcome
        else:
            details.append(f"the evidence states no date for {d.text!r}")
            outcome = Outcome.MISSING if outcome == Outcome.AGREE else outcome
    return outcome, details


def check_numbers(
    claim_text: str,
    claim_quantities: list[Quantity],
    claim_dates: list[TimeExpression],
    ev_text: str,
    evidence_quantities: list[Quantity],
    evidence_dates: list[TimeExpression],
    similar: WordSimilarity | None = None,
) -> NumericCheck:
    """Runs the quantity, date and direction checks (`factcheck.verify.direction`) for one claim / evidence
    pair; `similar` (e.g. `EmbeddedWords`) lets event words that share no stem match by meaning."""
    q, q_details = check_quantities(claim_text, claim_quantities, ev_text, evidence_quantities, similar)
    d, d_details = check_dates(claim_text, claim_dates, ev_text, evidence_dates, similar)
    opposite = direction_conflicts(claim_text, ev_text)
    return NumericCheck(quantities=q, dates=d, details=q_details + d_details + opposite,
                        direction=Outcome.DISAGREE if opposite else Outcome.NONE)
