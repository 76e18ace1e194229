"""factcheck.batch.check_batch: a claim set checked in batches, resumable through OUTPUT.partial, with earlier
fact-checks and the article attached to each result (a stand-in checker: no models)."""

from __future__ import annotations

from factcheck.batch import check_batch, with_priors
from factcheck.records import ArticleSource, CheckResult, Claim, PriorFactCheck
from factcheck.report.jsonl import PartialReport, read_report


class CountingChecker:
    """Gives every claim NOT_ENOUGH_INFO and records which claims it was asked to check, in what batches."""

    def __init__(self):
        self.batches: list[list[str]] = []

    def check_stream(self, claims, batch_size=16):
        claims = list(claims)
        for start in range(0, len(claims), batch_size):
            batch = claims[start:start + batch_size]
            self.batches.append([c.id for c in batch])
            yield from (CheckResult(claim=c, verdict="NOT_ENOUGH_INFO", confidence=0.5) for c in batch)


def _claims(n: int) -> list[Claim]:
    return [Claim(id=f"c{i}", text=f"Claim number {i} is a fact.") for i in range(n)]


def test_check_batch_resumes_where_an_interrupted_run_stopped(tmp_path):
    out = tmp_path / "report.jsonl"
    claims = _claims(5)
    interrupted = PartialReport(out)
    for claim in claims[:2]:
        interrupted.add(CheckResult(claim=claim, verdict="SUPPORTED", confidence=0.9))
    del interrupted  # the run stopped before finishing: the partial file stays
    checker = CountingChecker()
    results = check_batch(checker, claims, out, batch_size=2, progress=False)
    assert checker.batches == [["c2", "c3"], ["c4"]]  # the two finished claims are not checked again
    assert [r.claim.id for r in results] == [c.id for c in claims]  # the report keeps the claims' order
    assert [r.verdict for r in read_report(out)] == ["SUPPORTED"] * 2 + ["NOT_ENOUGH_INFO"] * 3
    assert not out.with_name(out.name + ".partial").exists()


def test_check_batch_attaches_priors_and_the_article_without_output():
    prior = PriorFactCheck(id="fc1", claim="Claim number 1 is a fact.", rating="false", score=0.9)
    source = ArticleSource(url="https://example.org/story", title="Story")
    results = check_batch(CountingChecker(), _claims(2), priors={"c1": [prior]}, article=source, progress=False)
    assert [r.fact_checked_before for r in results] == [[], [prior]]
    assert all(r.article == source for r in results)
    result = results[0]
    assert with_priors(result, {}) is result  # no store: the result as it was
