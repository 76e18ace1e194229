"""How reports cite evidence: the document, then the page (PDF) or section (DOCX) of the sentence."""

from __future__ import annotations

from pathlib import PurePath

from factcheck.records import ArticleSource, Evidence

__all__ = ["citation", "evidence_link", "article_line"]


def citation(evidence: Evidence) -> str:
    """Where an evidence sentence is: "report.pdf, p. 12", "brief.docx, § Findings", or the file / URL."""
    source = evidence.source or evidence.url or evidence.doc_id
    where = source if "://" in source else PurePath(source.rsplit(":", 1)[0] if _has_line(source) else source).name
    if evidence.page is not None:
        return f"{where}, p. {evidence.page}"
    if evidence.section:
        return f"{where}, § {evidence.section}"
    return where


def _has_line(source: str) -> bool:
    """Tells a JSONL source "file.jsonl:12" (keep the file name only) from a plain path."""
    head, _, tail = source.rpartition(":")
    return bool(head) and tail.isdigit()


def evidence_link(evidence: Evidence) -> str:
    """The address a report links an evidence sentence to; PDFs open at its page (`#page=12`)."""
    href = evidence.url or evidence.source
    if href and evidence.page is not None and "#" not in href:
        return f"{href}#page={evidence.page}"
    return href


def article_line(article: ArticleSource) -> str:
    """One line on a fetched article: address, site, author, date and fetch time."""
    parts = [article.final_url or article.url]
    parts += [value for value in (article.site, article.author, article.date) if value]
    return " · ".join(parts) + f" · fetched {article.fetched}"
