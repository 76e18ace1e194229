"""Exports of a report for other tools: schema.org ClaimReview JSON-LD and FEVER-style predictions."""

from __future__ import annotations

import json
from typing import Any

from factcheck.records import CheckResult
from factcheck.report.citation import evidence_link
from factcheck.report.links import cited_source, link_url

__all__ = ["claim_review", "claim_reviews", "claim_reviews_json", "fever_prediction", "RATINGS", "FEVER_LABELS"]

# ClaimReview ratings on a 1-5 scale: 1 false ... 5 true; unknown verdicts get no numeric rating.
RATINGS = {
    "SUPPORTED": (5, "True"),
    "REFUTED": (1, "False"),
    "CONFLICTING": (3, "Mixed evidence"),
    "NOT_ENOUGH_INFO": (None, "Unproven"),
}
FEVER_LABELS = {
    "SUPPORTED": "SUPPORTS",
    "REFUTED": "REFUTES",
    "NOT_ENOUGH_INFO": "NOT ENOUGH INFO",
    "CONFLICTING": "NOT ENOUGH INFO",
}


def claim_review(result: CheckResult, author: str = "factcheck", url: str | None = None) -> dict[str, Any]:
    """One schema.org ClaimReview object for a result."""
    value, name = RATINGS[result.verdict]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": name}
    if value is not None:
        rating.update(ratingValue=value, bestRating=5, worstRating=1)
    item: dict[str, Any] = {"@type": "Claim", "appearance": []}
    if result.claim.attribution:
        item["author"] = {"@type": "Person", "name": result.claim.attribution.speaker}
    appearance_url = link_url(result.claim.source)
    if appearance_url:
        appearance = {"@type": "CreativeWork", "url": appearance_url}
        if result.article is not None:  # fetched from the web: the page's own metadata
            appearance.update({k: v for k, v in (("headline", result.article.title), ("datePublished", result.article.date)) if v})
        item["appearance"].append(appearance)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": result.claim.text,
        "reviewRating": rating,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": author},
        "reviewBody": result.rationale,
        "citation": [cited for e in result.evidence
                     if e.stance != "neutral" and (cited := evidence_link(e) or cited_source(e.url, e.source))],
    }
    if url:
        review["url"] = url
    return review


def claim_reviews(results: list[CheckResult], author: str = "factcheck") -> list[dict[str, Any]]:
    """ClaimReview objects for every result (NOT_ENOUGH_INFO ones carry the rating "Unproven" without a value)."""
    return [claim_review(r, author) for r in results]


def claim_reviews_json(results: list[CheckResult], author: str = "factcheck") -> str:
    """The ClaimReview objects as JSON safe to embed in `<script type="application/ld+json">`: `<`, `>` and
    `&` are written as \\u escapes, so a `</script>` in a claim cannot end the block."""
    text = json.dumps(claim_reviews(results, author), indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def fever_prediction(result: CheckResult) -> dict[str, Any]:
    """A FEVER-style prediction: label plus [doc_id, sentence offset] evidence that decided it."""
    deciding = [e for e in result.evidence if e.stance in ("entailment", "contradiction")]
    return {
        "id": result.claim.id,
        "claim": result.claim.text,
        "predicted_label": FEVER_LABELS[result.verdict],
        "predicted_evidence": [[e.doc_id, e.sentence_start] for e in deciding][:5],
    }
