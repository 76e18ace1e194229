"""How reports cite evidence: the document, then the page (PDF) or section (DOCX) of the sentence."""

from __future__ import annotations

from pathlib import PurePath

from factcheck.records import ArticleSource, Evidence
from factcheck.report.links import link_url

__all__ = ["citation", "location", "evidence_link", "article_line"]


def citation(evidence: Evidence) -> str:
    """Where an evidence sentence is: "report.pdf, p. 12", "brief.docx, § Findings", or the file / URL."""
    source = evidence.source or evidence.url or evidence.doc_id
    where = source if "://" in source else PurePath(source.rsplit(":", 1)[0] if _has_line(source) else source).name
    return where + location(evidence)


def location(evidence: Evidence) -> str:
    """Where in its document a sentence is: ", p. 12" (PDF), ", § Findings" (DOCX), else ""."""
    if evidence.page is not None:
        return f", p. {evidence.page}"
    return f", § {evidence.section}" if evidence.section else ""


def _has_line(source: str) -> bool:
    """Tells a JSONL source "file.jsonl:12" (keep the file name only) from a plain path."""
    head, _, tail = source.rpartition(":")
    return bool(head) and tail.isdigit()


def evidence_link(evidence: Evidence) -> str | None:
    """The http(s) address a report links an evidence sentence to (None: show it as text, see
    `links.link_url`); PDFs open at its page (`#page=12`)."""
    href = link_url(evidence.url) or link_url(evidence.source)
    if href and evidence.page is not None and "#" not in href:
        return f"{href}#page={evidence.page}"
    return href


def article_line(article: ArticleSource) -> str:
    """One line on a fetched article: address, site, author, date and fetch time."""
    parts = [article.final_url or article.url]
    parts += [value for value in (article.site, article.author, article.date) if value]
    return " · ".join(parts) + f" · fetched {article.fetched}"
