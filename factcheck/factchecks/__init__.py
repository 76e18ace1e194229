"""Earlier fact-checks: a store of published fact-checks (ClaimReview) beside the evidence index,
importers for ClaimReview JSON-LD, HTML markup and JSONL, and a matcher that finds the fact-checks of a claim."""

from factcheck.factchecks.importers import ImportResult, read_factchecks
from factcheck.factchecks.matcher import MATCH_THRESHOLD, Match, Matcher, Query
from factcheck.factchecks.ratings import RATING_SCALE, normalise_rating
from factcheck.factchecks.records import FactCheck
from factcheck.factchecks.store import AddStats, FactCheckStore, add_factchecks, default_store_dir

__all__ = [
    "FactCheck", "FactCheckStore", "AddStats", "add_factchecks", "default_store_dir", "ImportResult", "read_factchecks",
    "Matcher", "Match", "Query", "MATCH_THRESHOLD", "RATING_SCALE", "normalise_rating",
]
