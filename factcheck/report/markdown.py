"""A readable Markdown summary of a report."""

from __future__ import annotations

from collections import Counter

from factcheck.records import VERDICTS, CheckResult
from factcheck.report.citation import article_line, citation, evidence_link

__all__ = ["markdown_report"]

ICONS = {"SUPPORTED": "✅", "REFUTED": "❌", "NOT_ENOUGH_INFO": "❔", "CONFLICTING": "⚖️"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_report(results: list[CheckResult], title: str = "Fact-check report") -> str:
    """Summary table of verdicts, then each claim with its rationale and evidence."""
    counts = Counter(r.verdict for r in results)
    lines = [f"# {title}", ""]
    if results and results[0].article is not None:
        lines += [f"Article: {article_line(results[0].article)}", ""]
    lines += ["| verdict | claims |", "|---|---|"]
    lines += [f"| {ICONS[v]} {v} | {counts.get(v, 0)} |" for v in VERDICTS]
    lines += ["", "| # | claim | speaker | verdict | confidence |", "|---|---|---|---|---|"]
    for i, r in enumerate(results, 1):
        speaker = r.claim.attribution.speaker if r.claim.attribution else ""
        lines.append(f"| {i} | {_cell(r.claim.text)} | {_cell(speaker)} | {ICONS[r.verdict]} {r.verdict} | {r.confidence:.2f} |")
    for i, r in enumerate(results, 1):
        lines += ["", f"## {i}. {r.claim.text}", "", f"**{r.verdict}** (confidence {r.confidence:.2f}). {r.rationale}", ""]
        for e in r.evidence:
            where = evidence_link(e) or e.doc_id
            lines.append(
                f"- *{_cell(e.reading())}* — “{_cell(e.sentence)}” — "
                f"[{e.title or e.doc_id}]({where}) ({citation(e)})"
            )
    return "\n".join(lines) + "\n"
