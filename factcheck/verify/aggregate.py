"""From per-evidence model probabilities and numeric checks to one verdict per claim.

Pure arithmetic over numbers: no models, no I/O. Probabilities are in the column order of
`factcheck.records.STANCES` (entailment, contradiction, neutral).
"""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.records import STANCES, Stance, Verdict
from factcheck.verify.numeric import NumericCheck, Outcome

__all__ = [
    "adjust_probs", "is_relevant", "stance_of", "decide", "Decision", "ON_TOPIC", "SUPPORT_THRESHOLD",
    "REFUTE_THRESHOLD", "CONFLICT_THRESHOLD", "MIN_SIMILARITY", "MIN_SIMILARITY_AGREEING", "SET_ASIDE",
    "LEAN_SUPPORT", "LEAN_REFUTE", "SUPPORT_MIN_WORDS", "REFUTE_MIN_WORDS", "claim_words",
]

SET_ASIDE = (0.0, 0.0, 1.0)  # what the rules make of evidence they do not let count

ON_TOPIC = 0.5  # entailment + contradiction mass above which the evidence is about the claim
# A verdict is given only where it is right at least 85% of the time on held-out claims: support from this
# probability on, a refutation from REFUTE_THRESHOLD on (the verdict model reads other facts about the same
# subject as contradictions too often); below them the verdict is NOT_ENOUGH_INFO, leaning that way
# (docs/benchmarks.md, "Selective verdicts": FEVER dev REFUTED precision 0.63 at 0.6 -> 0.83 at 0.9).
SUPPORT_THRESHOLD = 0.85
REFUTE_THRESHOLD = 0.9
# ... and only from a sentence that states this share of the claim's content words: one on the claim's
# topic that does not restate its subject and predicate is evidence to show, not to decide on
# (docs/benchmarks.md, "Selective verdicts").
SUPPORT_MIN_WORDS = 0.6
REFUTE_MIN_WORDS = 0.5
# When support and refutation both pass, a stronger support wins unless the refutation reaches this too;
# otherwise the verdict is CONFLICTING. Of 53 such held-out FEVER claims 41 were SUPPORTED (a strong support
# against a related passage the model misread), and a stronger refutation was right in only 5 of 12, so a
# refutation never outweighs a support (docs/benchmarks.md, "Relevance gate, end to end").
CONFLICT_THRESHOLD = 0.9
# Below the thresholds above, down to these, the evidence leans one way but the verdict is NOT_ENOUGH_INFO
# (the report says which way it leans and why it is withheld)
LEAN_SUPPORT, LEAN_REFUTE = 0.5, 0.6
# Evidence less similar to the claim than this (cosine of the embeddings) is off topic: the verdict
# model reads unrelated sentences as contradictions too often. At 0.5 the gate keeps 84% of FEVER's
# gold evidence sentences (docs/benchmarks.md, "Verdicts end to end").
MIN_SIMILARITY = 0.5
# Evidence that states the claim's own figure or date for the same event is about the claim even when the
# embeddings are less close, down to this ("since the war in Syria began in 2011" for "The war began in
# 2011": 0.43; docs/benchmarks.md, "Relevance gate, end to end").
MIN_SIMILARITY_AGREEING = 0.4


def is_relevant(similarity: float, check: NumericCheck, gate: float = MIN_SIMILARITY) -> bool:
    """The relevance gate: evidence counts when its cosine with the claim reaches `gate`, or
    MIN_SIMILARITY_AGREEING when its numbers or dates agree with the claim's for the same event."""
    if similarity >= gate:
        return True
    return similarity >= min(gate, MIN_SIMILARITY_AGREEING) and Outcome.AGREE in (check.quantities, check.dates)


def adjust_probs(
    probs: tuple[float, float, float], check: NumericCheck, relevant: bool = True
) -> tuple[tuple[float, float, float], str]:
    """Applies the relevance gate and the numeric checks on top of the model, in this order:
    off-topic evidence counts for nothing; numbers or dates that disagree for the same event refute
    (when the model reads the evidence as on topic); evidence whose dates or numbers describe other
    events (or states none) neither supports nor refutes; evidence that says the opposite direction
    ("fell" / "rose") does not support (its entailment counts as neutral); numbers that agree for the same
    event support (the model's contradiction is then read as a difference in how the number is written);
    numbers that partly agree leave the model's reading as it is."""
    e, c, n = probs
    details = "; ".join(check.details)
    if not relevant:
        return SET_ASIDE, "not about the claim (low similarity)"
    if Outcome.DISAGREE in (check.quantities, check.dates) and e + c >= ON_TOPIC:
        return (0.0, e + c, n), "the numbers or dates disagree: " + details
    if check.dates in (Outcome.OTHER, Outcome.MISSING) or check.quantities == Outcome.UNMATCHED:
        return SET_ASIDE, "it states no number or date for the claim's event, so it neither establishes nor refutes the claim's: " + details
    if check.direction == Outcome.DISAGREE:  # never support; a contradiction the model reads stays
        return (0.0, c, n + e), "it says the opposite direction, so it cannot support the claim: " + details
    if check.quantities == Outcome.AGREE and e + c >= ON_TOPIC:
        return (e + c, 0.0, n), "the numbers agree: " + details
    if check.quantities == Outcome.MIXED:
        return (e, c, n), "the numbers partly agree: " + details
    return (e, c, n), "the dates agree: " + details if check.dates == Outcome.AGREE else ""


def claim_words(words: float, check: NumericCheck) -> float:
    """The share of the claim's words a sentence counts as stating for the verdict: all of them when its figures
    or dates were compared with the claim's for the same event (the numeric check matched it to the claim:
    "the death of more than 500,000" for "killed half a million"), else the measured share."""
    same_event = bool({check.quantities, check.dates} & {Outcome.AGREE, Outcome.DISAGREE})
    return 1.0 if same_event else words


def stance_of(probs: tuple[float, float, float]) -> Stance:
    """The most probable stance."""
    return STANCES[max(range(len(STANCES)), key=lambda i: probs[i])]


@dataclass(frozen=True)
class Decision:
    """A verdict with its confidence and the index of the evidence that decided it (-1: none); `leaning` names
    the verdict that NOT_ENOUGH_INFO withholds because its evidence stayed under the threshold."""

    verdict: Verdict
    confidence: float
    support: float
    refute: float
    best_support: int = -1
    best_refute: int = -1
    leaning: Verdict | None = None


def decide(adjusted: list[tuple[float, float, float]], words: list[float] | None = None,
           support: float = SUPPORT_THRESHOLD, refute: float = REFUTE_THRESHOLD, conflict: float = CONFLICT_THRESHOLD,
           lean_support: float = LEAN_SUPPORT, lean_refute: float = LEAN_REFUTE,
           support_words: float = SUPPORT_MIN_WORDS, refute_words: float = REFUTE_MIN_WORDS) -> Decision:
    """Aggregates evidence: the strongest support and the strongest refutation among the sentences that state
    enough of the claim's words (`words`, one share per sentence; None: all do), each against its threshold;
    when both pass, SUPPORTED if the support is the stronger and the refutation stays under `conflict`, else
    CONFLICTING. Evidence that reaches only the lean thresholds, or states too few of the claim's words, gives
    NOT_ENOUGH_INFO leaning that way."""
    if not adjusted:
        return Decision(Verdict.NOT_ENOUGH_INFO, 1.0, 0.0, 0.0)
    words = words if words is not None else [1.0] * len(adjusted)
    best_s = _strongest(adjusted, 0, [w >= support_words for w in words])
    best_r = _strongest(adjusted, 1, [w >= refute_words for w in words])
    s = adjusted[best_s][0] if best_s >= 0 else 0.0
    r = adjusted[best_r][1] if best_r >= 0 else 0.0
    if s >= support and r >= refute and (s < r or r >= conflict):
        return Decision(Verdict.CONFLICTING, min(s, r), s, r, best_s, best_r)
    if s >= support:
        return Decision(Verdict.SUPPORTED, s, s, r, best_s, best_r)
    if r >= refute:
        return Decision(Verdict.REFUTED, r, s, r, best_s, best_r)
    any_s, any_r = max(a[0] for a in adjusted), max(a[1] for a in adjusted)
    leaning = (Verdict.SUPPORTED if any_s >= lean_support and any_s >= any_r
               else Verdict.REFUTED if any_r >= lean_refute else None)
    return Decision(Verdict.NOT_ENOUGH_INFO, 1.0 - max(any_s, any_r), s, r, best_s, best_r, leaning)


def _strongest(adjusted: list[tuple[float, float, float]], column: int, allowed: list[bool]) -> int:
    """The index of the allowed evidence with the highest probability in `column`; -1 when none is allowed."""
    indices = [i for i, ok in enumerate(allowed) if ok]
    return max(indices, key=lambda i: adjusted[i][column]) if indices else -1
