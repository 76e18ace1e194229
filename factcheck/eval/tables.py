"""Markdown tables of an evaluation report (the `factcheck eval` output and docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

__all__ = ["report_markdown", "verdict_tables", "retrieval_table"]

_RETRIEVAL_COLUMNS = {"nDCG@10": "nDCG@10", "R@10": "recall@10", "R@100": "recall@100", "RR": "MRR"}


def _row(cells: list[Any]) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table."""
    return "\n".join([_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)])


def retrieval_table(retrieval: dict[str, dict[str, float]]) -> str:
    """Retrievers side by side: one row each, one column per measure."""
    measures = [m for m in _RETRIEVAL_COLUMNS if any(m in v for v in retrieval.values())]
    rows = [[name] + [f"{scores[m]:.3f}" for m in measures] for name, scores in retrieval.items()]
    return _table(["retriever"] + [_RETRIEVAL_COLUMNS[m] for m in measures], rows)


def verdict_tables(verdicts: dict[str, Any]) -> str:
    """Headline scores, per-class precision/recall/F1/coverage and the confusion matrix."""
    head = [["accuracy", f"{verdicts['accuracy']:.3f}"], ["macro-F1", f"{verdicts['macro_f1']:.3f}"]]
    if "fever_score" in verdicts:
        head.append(["FEVER score", f"{verdicts['fever_score']:.3f}"])
    head.append(["ECE (10 bins)", f"{verdicts['ece']:.3f}"])
    per_class = [
        [lab, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", v["support"], f"{v['coverage']:.3f}"]
        for lab, v in verdicts["per_class"].items()
    ]
    labels = verdicts["confusion"]["labels"]
    confusion = [[f"**{lab}**"] + row for lab, row in zip(labels, verdicts["confusion"]["matrix"])]
    return "\n\n".join([
        _table(["metric", "value"], head),
        _table(["verdict", "precision", "recall", "F1", "support", "coverage"], per_class),
        _table(["gold \\ predicted"] + labels, confusion),
    ])


def report_markdown(report: dict[str, Any]) -> str:
    """The whole report as Markdown: what was run, then the tables."""
    models = ", ".join(f"{k}: {v}" for k, v in report.get("models", {}).items())
    lines = [
        f"### {report['dataset']} — {report['mode']} mode",
        "",
        f"{report['claims']} claims"
        + (f", {report['judged_claims']} with gold evidence documents" if "judged_claims" in report else "")
        + (f"; corpus of {report['corpus_documents']} documents" if "corpus_documents" in report else "")
        + (f"; {models}" if models else "")
        + f"; {report['seconds']} s; {report['date']}.",
        "",
    ]
    if "retrieval" in report:
        lines.append(retrieval_table(report["retrieval"]))
    if "verdicts" in report:
        lines.append(verdict_tables(report["verdicts"]))
    return "\n".join(lines) + "\n"
