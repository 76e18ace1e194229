"""A readable Markdown summary of a report. Every text from an article or the corpus is escaped, so a
renderer that allows HTML shows `<script>` as text, and only http(s) URLs become links."""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from factcheck.records import VERDICTS, CheckResult
from factcheck.report.citation import article_line, citation, evidence_link, location
from factcheck.report.links import link_url

__all__ = ["markdown_report", "md_text"]

ICONS = {"SUPPORTED": "✅", "REFUTED": "❌", "NOT_ENOUGH_INFO": "❔", "CONFLICTING": "⚖️"}
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+!|~])")  # Markdown punctuation that could start emphasis, links or tables


def md_text(text: str) -> str:
    """Text made inert for Markdown: HTML escaped, Markdown punctuation backslash-escaped, one line."""
    return _MARKUP.sub(r"\\\1", escape(" ".join(str(text).split()), quote=False))


def _prior_lines(r: CheckResult) -> list[str]:
    """The "fact-checked before" list of one claim (empty when no earlier fact-check matched)."""
    if not r.fact_checked_before:
        return []
    lines = ["", "**Fact-checked before** (beside the verdict above, not in place of it):", ""]
    for m in r.fact_checked_before:
        who = ", ".join(md_text(x) for x in (m.publisher, m.date or "") if x)
        href = link_url(m.url)
        target = f"[{md_text(m.claim or m.id)}](<{href}>)" if href else md_text(m.claim or m.id)
        lines.append(f"- **{md_text(m.rating)}** ({md_text(m.rating_text or m.rating)}{', ' + who if who else ''}) — {target} — match {m.score:.2f}")
    return lines


def markdown_report(results: list[CheckResult], title: str = "Fact-check report") -> str:
    """Summary table of verdicts, then each claim with its rationale and evidence."""
    counts = Counter(r.verdict for r in results)
    lines = [f"# {md_text(title)}", ""]
    if results and results[0].article is not None:
        lines += [f"Article: {md_text(article_line(results[0].article))}", ""]
    lines += ["| verdict | claims |", "|---|---|"]
    lines += [f"| {ICONS[v]} {v} | {counts.get(v, 0)} |" for v in VERDICTS]
    lines += ["", "| # | claim | speaker | verdict | confidence |", "|---|---|---|---|---|"]
    for i, r in enumerate(results, 1):
        speaker = r.claim.attribution.speaker if r.claim.attribution else ""
        icon = ICONS.get(r.verdict, "")
        lines.append(f"| {i} | {md_text(r.claim.text)} | {md_text(speaker)} | {icon} {md_text(r.verdict)} | {r.confidence:.2f} |")
    for i, r in enumerate(results, 1):
        lines += ["", f"## {i}. {md_text(r.claim.text)}", "",
                  f"**{md_text(r.verdict)}** (confidence {r.confidence:.2f}). {md_text(r.rationale)}", ""]
        for e in r.evidence:
            href = evidence_link(e)
            name = md_text(e.title or e.doc_id)
            where = citation(e) if href else (e.url or e.source or e.doc_id) + location(e)
            source = f"[{name}](<{href}>)" if href else name
            lines.append(f"- *{md_text(e.reading())}* — “{md_text(e.sentence)}” — {source} ({md_text(where)})")
        lines += _prior_lines(r)
    return "\n".join(lines) + "\n"
