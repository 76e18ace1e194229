"""Charts of a report (matplotlib Figures, built without pyplot so no global state or GUI backend)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from factcheck.errors import InputError
from factcheck.records import VERDICTS, CheckResult
from factcheck.verify.calibration import calibration_bins, expected_calibration_error

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "VERDICT_COLOURS",
    "gold_verdict",
    "has_gold",
    "verdict_counts_figure",
    "confidence_figure",
    "worthiness_figure",
    "reliability_figure",
]

VERDICT_COLOURS = {"SUPPORTED": "#2a9d55", "REFUTED": "#d1495b", "NOT_ENOUGH_INFO": "#8d99ae", "CONFLICTING": "#edae49"}
_GOLD_ALIASES = {"SUPPORTS": "SUPPORTED", "REFUTES": "REFUTED", "NEI": "NOT_ENOUGH_INFO"}


def gold_verdict(label: str | None) -> str | None:
    """A gold label as a verdict name (FEVER's SUPPORTS / REFUTES / NOT ENOUGH INFO accepted)."""
    if not label:
        return None
    name = label.strip().upper().replace(" ", "_")
    return _GOLD_ALIASES.get(name, name)


def has_gold(results: Sequence[CheckResult]) -> bool:
    """Whether any claim carries a gold verdict (claim.label)."""
    return any(gold_verdict(r.claim.label) for r in results)


def _axes(width: float = 5.5, height: float = 3.4):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def verdict_counts_figure(results: Sequence[CheckResult]) -> "Figure":
    """Bar chart: how many claims got each verdict."""
    fig, ax = _axes()
    counts = [sum(r.verdict == v for r in results) for v in VERDICTS]
    bars = ax.bar([v.replace("_", " ").lower() for v in VERDICTS], counts, color=[VERDICT_COLOURS[v] for v in VERDICTS])
    ax.bar_label(bars)
    ax.set(title=f"Verdicts ({len(results)} claims)", ylabel="claims")
    return fig


def confidence_figure(results: Sequence[CheckResult], bins: int = 10) -> "Figure":
    """Stacked histogram of confidence, one colour per verdict."""
    fig, ax = _axes()
    present = [v for v in VERDICTS if any(r.verdict == v for r in results)]
    data = [[r.confidence for r in results if r.verdict == v] for v in present]
    if data:
        ax.hist(data, bins=bins, range=(0, 1), stacked=True, label=present, color=[VERDICT_COLOURS[v] for v in present])
        ax.legend(fontsize="small")
    ax.set(title="Confidence", xlabel="confidence", ylabel="claims", xlim=(0, 1))
    return fig


def worthiness_figure(results: Sequence[CheckResult]) -> "Figure":
    """Scatter: check-worthiness (x) against confidence (y), coloured by verdict."""
    fig, ax = _axes()
    for v in VERDICTS:
        points = [(r.claim.score, r.confidence) for r in results if r.verdict == v]
        if points:
            ax.scatter(*zip(*points), label=v, color=VERDICT_COLOURS[v], alpha=0.75, s=24)
    if results:
        ax.legend(fontsize="small")
    ax.set(title="Confidence vs check-worthiness", xlabel="check-worthiness", ylabel="confidence",
           xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
    return fig


def reliability_figure(results: Sequence[CheckResult], bins: int = 10) -> "Figure":
    """Reliability diagram over the claims with gold labels: accuracy per confidence bin against the diagonal."""
    labelled = [r for r in results if gold_verdict(r.claim.label)]
    if not labelled:
        raise InputError("no claim in the report has a gold label (claim.label); no reliability diagram to draw")
    conf = [r.confidence for r in labelled]
    correct = [r.verdict == gold_verdict(r.claim.label) for r in labelled]
    rows = calibration_bins(conf, correct, bins)
    fig, ax = _axes(4.6, 4.2)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.bar([r["lo"] for r in rows], [r["accuracy"] for r in rows], width=1 / bins, align="edge",
           edgecolor="black", alpha=0.7, label="accuracy")
    ax.plot([r["confidence"] for r in rows], [r["accuracy"] for r in rows], "o", color="black", label="mean confidence")
    ece = expected_calibration_error(conf, correct, bins)
    ax.set(title=f"Reliability ({len(labelled)} labelled, ECE {ece:.3f})", xlabel="confidence",
           ylabel="accuracy", xlim=(0, 1), ylim=(0, 1.03))
    ax.legend(fontsize="small", loc="upper left")
    return fig
