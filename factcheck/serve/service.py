"""The work behind the API: one Checker and one claim extractor, shared by all requests.

All model work runs on one worker thread, so the event loop never waits on the CPU and the models are
never used by two threads at once; claims and search queries from concurrent requests are micro-batched.
"""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

from factcheck.records import CheckResult, Claim, Document, SearchHit
from factcheck.serve.batcher import DEFAULT_MAX_BATCH, DEFAULT_MAX_WAIT, MicroBatcher
from factcheck.serve.memory import release_free_memory

__all__ = ["CheckService", "UrlReader", "fetch_article"]

R = TypeVar("R")
UrlReader = Callable[[str], Document]  # fetches a URL and returns the article (plugs into /v1/article)


class CheckService:
    """Owns the Checker, the claim extractor, the fact-check matcher and the model thread; check, search,
    extract, match and fetch from asyncio."""

    def __init__(self, checker: Any, extractor: Any = None, max_batch: int = DEFAULT_MAX_BATCH,
                 max_wait: float = DEFAULT_MAX_WAIT, read_url: UrlReader | None = None, matcher: Any = None,
                 max_queue_seconds: float | None = None):
        self.checker = checker
        self.extractor = extractor
        self.read_url = read_url
        self.matcher = matcher  # a factchecks.Matcher: /v1/match, and `fact_checked_before` on every result
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factcheck-model")
        self.claims = MicroBatcher(self._check, self.executor, max_batch, max_wait, max_queue_seconds)
        self.queries = MicroBatcher(self._search, self.executor, max_batch, max_wait)

    @property
    def features(self) -> dict[str, bool]:
        """Which optional inputs this server accepts (the web page shows only these)."""
        return {"article": self.extractor is not None, "url": self.read_url is not None, "match": self.matcher is not None}

    def warm_up(self, text: str) -> None:
        """Checks one claim now, outside the batcher, so the first request is not the slow one and admission
        control starts from a measured time per claim."""
        import time

        started = time.perf_counter()
        self._check([Claim(id="warm-up", text=text)])
        self.claims.observe(time.perf_counter() - started, 1)

    async def start(self) -> None:
        """Starts the batchers on the running event loop."""
        await self.claims.start()
        await self.queries.start()

    async def stop(self) -> None:
        """Finishes queued work, then stops the batchers and the model thread."""
        await self.claims.stop()
        await self.queries.stop()
        self.executor.shutdown(wait=True)

    async def run(self, fn: Callable[..., R], *args: Any) -> R:
        """Runs fn(*args) on the model thread, then gives its freed memory back."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, _trimmed, fn, *args)

    async def check(self, claims: Sequence[Claim]) -> list[CheckResult]:
        """Checks claims, sharing model calls with concurrent requests."""
        return await self.claims.submit(list(claims))

    async def search(self, query: str, k: int) -> list[SearchHit]:
        """The k best passages for a query, searched in one batch with concurrent queries."""
        return (await self.queries.submit([(query, k)]))[0]

    async def extract(self, article: Document, min_score: float | None = None) -> list[Claim]:
        """The check-worthy claims of an article."""
        if self.extractor is None:
            raise RuntimeError("this service has no claim extractor")
        return await self.run(self.extractor.extract, article, min_score)

    async def fetch(self, url: str) -> Document:
        """The article at url, fetched off the model thread (a slow site never holds up the models)."""
        if self.read_url is None:
            raise RuntimeError("this service has no URL reader")
        return await asyncio.to_thread(self.read_url, url)

    def _check(self, claims: list[Claim]) -> list[CheckResult]:
        """One Checker call for a batch of claims, then one matcher call for their earlier fact-checks."""
        results = _trimmed(self.checker.check, claims)
        if self.matcher is None:
            return results
        from factcheck.factchecks.matcher import prior_factchecks

        numbered = [dataclasses.replace(c, id=str(i)) for i, c in enumerate(claims)]  # ids of two requests may clash
        priors = _trimmed(prior_factchecks, self.matcher, numbered)
        return [dataclasses.replace(r, fact_checked_before=priors.get(str(i), [])) for i, r in enumerate(results)]

    def _search(self, items: list[tuple[str, int]]) -> list[list[SearchHit]]:
        """One search_many call for a batch of (query, k); each query keeps its own k."""
        depth = max(k for _, k in items)
        hits = _trimmed(self.checker.retriever.search_many, [q for q, _ in items], depth)
        return [found[:k] for found, (_, k) in zip(hits, items)]

    def info(self) -> dict[str, Any]:
        """What the server runs: versions, models, the index manifest and batching counts."""
        from factcheck import __version__
        from factcheck.report import REPORT_SCHEMA_VERSION

        index = getattr(self.checker.retriever, "index", None)
        return {
            "factcheck_version": __version__,
            "report_schema_version": REPORT_SCHEMA_VERSION,
            "models": dict(self.checker.models),
            "index": index.info() if index is not None and hasattr(index, "info") else None,
            "features": self.features,
            "factchecks": _store_info(self.matcher),
            "batching": {"model_calls": self.claims.batches, "claims": self.claims.items,
                         "busy_s": round(self.claims.busy, 3),
                         "max_batch": self.claims.max_batch, "max_wait_s": self.claims.max_wait,
                         "queued_claims": self.claims.pending, "expected_wait_s": round(self.claims.expected_wait(), 3),
                         "max_queue_s": self.claims.max_queue_seconds, "refused": self.claims.refused},
        }


def fetch_article(url: str, timeout: float, allow_private: bool = False) -> Document:
    """The article at url, fetched with the CLI's limits (connect/read timeout, size cap, redirects, public
    addresses only unless `allow_private`); the whole download is also cut off at the request's timeout."""
    from factcheck.readers.web import FETCH_TIMEOUT, MAX_DOWNLOAD_SECONDS, article_document, fetch

    page = fetch(url, timeout=min(FETCH_TIMEOUT, timeout), max_seconds=min(MAX_DOWNLOAD_SECONDS, timeout),
                 allow_private=allow_private)
    return article_document(page)[0]



def _store_info(matcher: Any) -> dict[str, Any] | None:
    """The fact-check store's path, size and embedder, or None without one."""
    store = getattr(matcher, "store", None)
    if store is None:
        return None
    return {"path": str(store.path), "count": len(store), "embedder": store.embedder_name}


def _trimmed(fn: Callable[..., R], *args: Any) -> R:
    """fn(*args), then the heap's free pages go back to the system (RSS stays flat between batches)."""
    try:
        return fn(*args)
    finally:
        release_free_memory()
