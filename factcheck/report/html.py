"""A self-contained HTML report: the article with each claim highlighted by verdict, evidence beside it."""

from __future__ import annotations

from html import escape

from factcheck.records import CheckResult
from factcheck.report.citation import article_line, citation, evidence_link, location
from factcheck.report.links import link_url

__all__ = ["html_report"]

COLOURS = {"SUPPORTED": "#c8ecc8", "REFUTED": "#f6c4c4", "NOT_ENOUGH_INFO": "#e4e4e4", "CONFLICTING": "#f8e3a8"}
PRIORITY = {"REFUTED": 0, "CONFLICTING": 1, "SUPPORTED": 2, "NOT_ENOUGH_INFO": 3}

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222}
header{padding:12px 24px;border-bottom:1px solid #ddd}
main{display:grid;grid-template-columns:1fr 1fr;gap:24px;padding:16px 24px}
.article{white-space:pre-wrap;max-width:70ch}
mark{border-radius:3px;padding:0 2px;cursor:pointer}
.card{border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;padding:8px 12px;margin-bottom:12px}
.card h3{margin:0 0 4px;font-size:15px}
.ev{font-size:13px;margin:4px 0 4px 12px}
.tag{font-size:12px;font-weight:600;padding:1px 6px;border-radius:8px}
.legend span{margin-right:12px}
.prior{font-size:13px;margin:6px 0 0;padding:4px 8px;background:#f4f4fb;border-radius:4px}
"""


def _spans(results: list[CheckResult]) -> list[tuple[int, int, str, list[int]]]:
    """Non-overlapping article spans, each with its most severe verdict and the claims in it."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for i, r in enumerate(results):
        if r.claim.start >= 0 and r.claim.end > r.claim.start:
            by_span.setdefault((r.claim.start, r.claim.end), []).append(i)
    spans, last_end = [], -1
    for (start, end), idx in sorted(by_span.items()):
        if start < last_end:
            continue
        verdict = min((results[i].verdict for i in idx), key=PRIORITY.__getitem__)
        spans.append((start, end, verdict, idx))
        last_end = end
    return spans


def _article_html(article: str, results: list[CheckResult]) -> str:
    parts, pos = [], 0
    for start, end, verdict, idx in _spans(results):
        if end > len(article):
            continue
        parts.append(escape(article[pos:start]))
        title = escape("; ".join(f"{results[i].verdict}: {results[i].claim.text}" for i in idx), quote=True)
        parts.append(
            f'<a href="#claim-{idx[0] + 1}"><mark style="background:{COLOURS[verdict]}" title="{title}">'
            f"{escape(article[start:end])}</mark></a>"
        )
        pos = end
    parts.append(escape(article[pos:]))
    return "".join(parts)


def _prior_html(r: CheckResult) -> str:
    """The "fact-checked before" box: earlier fact-checks of the claim with their rating and link."""
    if not r.fact_checked_before:
        return ""
    rows = []
    for m in r.fact_checked_before:
        name = escape(m.claim or m.id)
        href = link_url(m.url)
        link = f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">{name}</a>' if href else name
        who = ", ".join(escape(x) for x in (m.publisher, m.date or "") if x)
        rows.append(f"<div><b>{escape(m.rating)}</b> ({escape(m.rating_text or m.rating)}{', ' + who if who else ''}) · {link} · match {m.score:.2f}</div>")
    return f'<div class="prior"><b>Fact-checked before</b> (shown beside the verdict above, not in place of it){"".join(rows)}</div>'


def _card(number: int, r: CheckResult) -> str:
    colour = COLOURS.get(r.verdict, "#999")
    speaker = f" — <i>{escape(r.claim.attribution.speaker)}</i>" if r.claim.attribution else ""
    rows = []
    for e in r.evidence:
        href = evidence_link(e)
        name = escape(e.title or e.doc_id)
        if href:
            link = f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">{name}</a> <small>({escape(citation(e))})</small>'
        else:  # no http(s) address: the file or URL shown as text, never linked
            where = e.url or e.source
            link = f"{name} <small>({escape(where + location(e))})</small>" if where else name
        why = f" <i>{escape(e.why)}</i>" if e.why else ""
        rows.append(
            f'<div class="ev"><b>{escape(e.reading())}</b> · “{escape(e.sentence)}” · {link}{why}</div>'
        )
    return (
        f'<div class="card" id="claim-{number}" style="border-left-color:{colour}">'
        f'<h3>{number}. {escape(r.claim.text)}{speaker}</h3>'
        f'<span class="tag" style="background:{colour}">{escape(r.verdict)}</span> confidence {r.confidence:.2f}'
        f"<p>{escape(r.rationale)}</p>{''.join(rows)}{_prior_html(r)}</div>"
    )


def html_report(results: list[CheckResult], article: str = "", title: str = "Fact-check report") -> str:
    """The whole report as one HTML page with no external resources."""
    legend = "".join(f'<span><mark style="background:{c}">{v}</mark></span>' for v, c in COLOURS.items())
    models = results[0].models if results else {}
    meta = " · ".join(f"{k}: {escape(v)}" for k, v in models.items())
    if results and results[0].article is not None:
        meta = f"article: {escape(article_line(results[0].article))}<br>{meta}"
    left = f'<div class="article">{_article_html(article, results)}</div>' if article else ""
    cards = "".join(_card(i, r) for i, r in enumerate(results, 1))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><header><h1>{escape(title)}</h1>"
        f'<div class="legend">{legend}</div><small>{meta}</small></header>'
        f"<main><section>{left}</section><section>{cards}</section></main></body></html>\n"
    )
