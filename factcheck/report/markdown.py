"""A readable Markdown summary of a report. Every text from an article or the corpus is escaped, so a
renderer that allows HTML shows `<script>` as text, and only http(s) URLs become links."""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from factcheck.records import VERDICTS, CheckResult
from factcheck.report.links import link_url

__all__ = ["markdown_report", "md_text"]

ICONS = {"SUPPORTED": "✅", "REFUTED": "❌", "NOT_ENOUGH_INFO": "❔", "CONFLICTING": "⚖️"}
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+!|~])")  # Markdown punctuation that could start emphasis, links or tables


def md_text(text: str) -> str:
    """Text made inert for Markdown: HTML escaped, Markdown punctuation backslash-escaped, one line."""
    return _MARKUP.sub(r"\\\1", escape(" ".join(str(text).split()), quote=False))


def _link(name: str, url: str | None, source: str | None) -> str:
    """A Markdown link for an http(s) URL; any other URL or a file path is shown as text."""
    href = link_url(url) or link_url(source)
    if href:
        return f"[{md_text(name)}](<{href}>)"
    where = url or source
    return f"{md_text(name)} ({md_text(where)})" if where and where != name else md_text(name)


def markdown_report(results: list[CheckResult], title: str = "Fact-check report") -> str:
    """Summary table of verdicts, then each claim with its rationale and evidence."""
    counts = Counter(r.verdict for r in results)
    lines = [f"# {md_text(title)}", "", "| verdict | claims |", "|---|---|"]
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
            source = _link(e.title or e.doc_id, e.url, e.source or e.doc_id)
            lines.append(f"- *{md_text(e.stance)}* ({e.probs.get(e.stance, 0):.2f}) — “{md_text(e.sentence)}” — {source}")
    return "\n".join(lines) + "\n"
