"""A readable Markdown summary of a report."""

from __future__ import annotations

from collections import Counter

from factcheck.records import VERDICTS, CheckResult

__all__ = ["markdown_report"]

ICONS = {"SUPPORTED": "✅", "REFUTED": "❌", "NOT_ENOUGH_INFO": "❔", "CONFLICTING": "⚖️"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _prior_lines(r: CheckResult) -> list[str]:
    """The "fact-checked before" list of one claim (empty when no earlier fact-check matched)."""
    if not r.fact_checked_before:
        return []
    lines = ["", "**Fact-checked before** (beside the verdict above, not in place of it):", ""]
    for m in r.fact_checked_before:
        who = ", ".join(x for x in (m.publisher, m.date or "") if x)
        target = f"[{_cell(m.claim or m.id)}]({m.url})" if m.url else _cell(m.claim or m.id)
        lines.append(f"- **{m.rating}** ({_cell(m.rating_text or m.rating)}{', ' + who if who else ''}) — {target} — match {m.score:.2f}")
    return lines


def markdown_report(results: list[CheckResult], title: str = "Fact-check report") -> str:
    """Summary table of verdicts, then each claim with its rationale and evidence."""
    counts = Counter(r.verdict for r in results)
    lines = [f"# {title}", "", "| verdict | claims |", "|---|---|"]
    lines += [f"| {ICONS[v]} {v} | {counts.get(v, 0)} |" for v in VERDICTS]
    lines += ["", "| # | claim | speaker | verdict | confidence |", "|---|---|---|---|---|"]
    for i, r in enumerate(results, 1):
        speaker = r.claim.attribution.speaker if r.claim.attribution else ""
        lines.append(f"| {i} | {_cell(r.claim.text)} | {_cell(speaker)} | {ICONS[r.verdict]} {r.verdict} | {r.confidence:.2f} |")
    for i, r in enumerate(results, 1):
        lines += ["", f"## {i}. {r.claim.text}", "", f"**{r.verdict}** (confidence {r.confidence:.2f}). {r.rationale}", ""]
        for e in r.evidence:
            where = e.url or e.source or e.doc_id
            lines.append(f"- *{e.stance}* ({e.probs.get(e.stance, 0):.2f}) — “{_cell(e.sentence)}” — [{e.title or e.doc_id}]({where})")
        lines += _prior_lines(r)
    return "\n".join(lines) + "\n"
