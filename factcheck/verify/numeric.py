"""Explicit number and date checks between a claim and one evidence sentence.

Plain NLI models are weak on numbers, so the pipeline compares the quantities and dates that the
claim and the evidence state. The arithmetic is pure: it takes parsed `Quantity` and
`TimeExpression` records and returns a `NumericCheck`.

- Quantities are compared as value ranges: an exact value gets a small tolerance, an approximate one
  ("half a million") a wider one, and a bound ("more than 500,000") covers the values a reader would
  take it to mean (from the bound up to twice it). Disjoint ranges for the same unit are a mismatch.
- Dates only gate: a claim's year that the evidence does not state keeps an entailment from counting,
  but a different year in the evidence is not by itself a refutation, since it may date another event
  ("became law on December 20, 2019" vs "took effect in 2020").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factcheck.records import Quantity, TimeExpression

__all__ = ["NumericCheck", "value_range", "quantities_agree", "check_quantities", "check_dates", "check_numbers"]

EXACT_TOLERANCE = 0.02  # 2%: rounding in reporting
APPROX_TOLERANCE = 0.25  # "about half a million" covers 400k-625k
BOUND_SPAN = 2.0  # "more than X" is read as X..2X; "less than X" as X/2..X


@dataclass
class NumericCheck:
    """Outcome of comparing a claim's numbers and dates with one evidence sentence."""

    quantities: str = "none"  # none | agree | disagree | unmatched
    dates: str = "none"  # none | agree | missing | differ
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"quantities": self.quantities, "dates": self.dates, "details": self.details}


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
    """Tells whether two quantities of the same unit can both be true (their ranges overlap)."""
    lo_a, hi_a = value_range(a)
    lo_b, hi_b = value_range(b)
    return lo_a <= hi_b and lo_b <= hi_a


PERSON_NOUNS = {
    "people", "person", "persons", "civilian", "civilians", "men", "women", "children", "syrians",
    "refugees", "refugee", "residents", "deaths", "dead", "casualties", "victims", "individuals", "lives",
}


def _norm_unit(unit: str) -> str:
    """The head noun of a unit, singular; nouns for people all become "people"."""
    words = unit.lower().split()
    head = words[-1] if words else ""
    if head in PERSON_NOUNS:
        return "people"
    return head[:-1] if head.endswith("s") and len(head) > 3 else head


def _comparable(a: Quantity, b: Quantity) -> bool:
    """Same unit, or neither has one; years are left to the date check."""
    return _norm_unit(a.unit) == _norm_unit(b.unit)


def check_quantities(claim: list[Quantity], evidence: list[Quantity]) -> tuple[str, list[str]]:
    """Compares each claim quantity with the evidence quantities of the same unit."""
    if not claim:
        return "none", []
    outcome, details = "unmatched", []
    for q in claim:
        peers = [e for e in evidence if _comparable(q, e)]
        if not peers:
            continue
        match = next((e for e in peers if quantities_agree(q, e)), None)
        if match is not None:
            details.append(f"{q.text!r} agrees with {match.text!r}")
            outcome = "agree" if outcome != "disagree" else outcome
        else:
            details.append(f"{q.text!r} disagrees with {peers[0].text!r}")
            outcome = "disagree"
    return outcome, details


def check_dates(claim: list[TimeExpression], evidence: list[TimeExpression]) -> tuple[str, list[str]]:
    """Checks whether the years (and months) the claim states also appear in the evidence."""
    years = [d for d in claim if d.year is not None]
    if not years:
        return "none", []
    stated = {(d.year, d.month) for d in evidence if d.year is not None}
    stated_years = {y for y, _ in stated}
    missing = [d for d in years if d.year not in stated_years or (d.month and (d.year, d.month) not in stated)]
    if not missing:
        return "agree", [f"date {d.text!r} stated in the evidence" for d in years]
    if stated_years:
        return "differ", [f"claim says {d.text!r}; evidence dates {sorted(stated_years)}" for d in missing]
    return "missing", [f"evidence states no date for {d.text!r}" for d in missing]


def check_numbers(
    claim_quantities: list[Quantity],
    claim_dates: list[TimeExpression],
    evidence_quantities: list[Quantity],
    evidence_dates: list[TimeExpression],
) -> NumericCheck:
    """Runs the quantity and date checks for one claim / evidence pair."""
    q, q_details = check_quantities(claim_quantities, evidence_quantities)
    d, d_details = check_dates(claim_dates, evidence_dates)
    return NumericCheck(quantities=q, dates=d, details=q_details + d_details)
