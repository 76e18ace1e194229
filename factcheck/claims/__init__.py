"""Claim extraction: article -> sentences -> check-worthiness -> standalone claims with spans, speakers,
quantities, dates and entities. Heavy models (spaCy, the embedder) load when an extractor first needs them."""

from factcheck.claims.extract import DEFAULT_MIN_SCORE, ClaimExtractor, extract_claims, rank_claims
from factcheck.claims.io import CLAIMS_SCHEMA_VERSION, read_claims, write_claims

__all__ = ["ClaimExtractor", "extract_claims", "rank_claims", "read_claims", "write_claims", "CLAIMS_SCHEMA_VERSION", "DEFAULT_MIN_SCORE"]
