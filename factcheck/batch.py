"""Checking a set of claims as one batch, as `factcheck check --claims` and `factcheck article` do: a
Checker in this process or on Ray actors, earlier fact-checks attached to each result, a progress bar, and
a report written claim by claim to `<output>.partial` so that an interrupted run resumes where it stopped."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Sequence

from factcheck.records import CheckResult, Claim

__all__ = ["open_checker", "prior_factchecks_of", "with_priors", "check_batch"]


def open_checker(index_dir: str | Path, verifier: str = "bundled", ray: bool = False, ray_address: str | None = None,
                 ray_actors: int | None = None) -> Any:
    """A Checker over the index, or with `ray` (or a `ray_address`) a RayChecker whose actors each hold one;
    either way a missing or damaged index fails here, before any work."""
    if not (ray or ray_address):
        from factcheck.pipeline import Checker

        return Checker.from_index(index_dir, verifier=verifier)
    from factcheck.index import open_index
    from factcheck.scale import RayChecker

    open_index(index_dir).close()  # fail fast here, not inside an actor
    return RayChecker.from_index(index_dir, verifier, actors=ray_actors, address=ray_address)


def prior_factchecks_of(store: Path | None, index: Path | None, claims: Sequence[Claim], embedder: Any = None) -> dict:
    """The earlier fact-checks of each claim, by claim id; {} when no fact-check store is given or found."""
    from factcheck.factchecks.matcher import open_matcher, prior_factchecks

    matcher = open_matcher(store, index, embedder)
    return prior_factchecks(matcher, claims) if matcher is not None else {}


def with_priors(result: CheckResult, priors: dict) -> CheckResult:
    """The result with its earlier fact-checks attached."""
    return dataclasses.replace(result, fact_checked_before=priors.get(result.claim.id, [])) if priors else result


def check_batch(checker: Any, claims: Sequence[Claim], output: str | Path | None = None, batch_size: int = 16,
                priors: dict | None = None, article: Any = None, progress: bool | None = None) -> list[CheckResult]:
    """Checks claims in batches with a progress bar (`progress=None`: only on a terminal); with `output`,
    finished claims are kept in OUTPUT.partial and the report is written in claim order at the end, so an
    interrupted run resumes where it stopped. `article` (an ArticleSource) is recorded in each result."""
    from tqdm import tqdm

    from factcheck.report.jsonl import PartialReport

    run = PartialReport(output) if output else None
    todo = [c for c in claims if not run or c.id not in run.done]
    results = []
    with tqdm(total=len(claims), initial=len(claims) - len(todo), desc="checking", unit="claim",
              disable=None if progress is None else not progress) as bar:
        for result in checker.check_stream(todo, batch_size=batch_size):
            result = dataclasses.replace(result, article=article) if article is not None else result
            result = with_priors(result, priors or {})
            if run:
                run.add(result)
            results.append(result)
            bar.update(1)
    return run.finish([c.id for c in claims]) if run else results
