"""Batch checking on Ray: actors each hold one Checker (models loaded once per actor); claims go out
in batches and the results come back in input order, so the CLI writes them through the same
resumable PartialReport as a single-process run, with the same verdicts."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from factcheck.records import CheckResult, Claim
from factcheck.scale.cluster import cluster_cpus, connect, factcheck_cause

__all__ = ["RayChecker", "CheckerFactory"]

CheckerFactory = Callable[[], Any]  # builds a factcheck.pipeline.Checker (or anything with .check(claims))


class _CheckerWorker:
    """A Ray actor: builds its Checker once, then checks batches of claims."""

    def __init__(self, make_checker: CheckerFactory, cwd: str):
        if os.path.isdir(cwd):
            os.chdir(cwd)  # relative index and model paths resolve as in the driver
        self.make_checker = make_checker
        self.checker: Any = None

    def ready(self) -> bool:
        """Builds the Checker (in a method, not __init__, so Ray passes its errors back intact)."""
        if self.checker is None:
            self.checker = self.make_checker()
        return True

    def check(self, claims: list[Claim]) -> list[CheckResult]:
        """Checks one batch of claims."""
        self.ready()
        return self.checker.check(claims)


class RayChecker:
    """Checks claims over Ray actors with the Checker interface the CLI uses (check, check_one, check_stream)."""

    def __init__(self, make_checker: CheckerFactory, actors: int | None = None, address: str | None = None):
        ray = connect(address)
        from ray.util import ActorPool

        count = actors or cluster_cpus()
        worker = ray.remote(num_cpus=1)(_CheckerWorker)
        self._actors = [worker.remote(make_checker, os.getcwd()) for _ in range(count)]
        self._ray = ray
        _get(ray, [actor.ready.remote() for actor in self._actors])
        self._pool = ActorPool(self._actors)

    @classmethod
    def from_index(
        cls, index_dir: str | Path, verifier: str = "bundled", actors: int | None = None, address: str | None = None,
        **kwargs: Any,
    ) -> "RayChecker":
        """Actors that each run `Checker.from_index(index_dir, verifier, **kwargs)` (the index folder
        must be readable at the same path on every node: shared storage on a cluster)."""
        from factcheck.pipeline import Checker

        return cls(functools.partial(Checker.from_index, str(index_dir), verifier=verifier, **kwargs), actors, address)

    def check(self, claims: Sequence[Claim]) -> list[CheckResult]:
        """Checks claims as one batch on one actor."""
        return list(self.check_stream(claims, batch_size=max(1, len(claims))))

    def check_one(self, text: str) -> CheckResult:
        """Checks one claim given as text."""
        return self.check([Claim(id="claim-1", text=text)])[0]

    def check_stream(self, claims: Iterable[Claim], batch_size: int = 16) -> Iterator[CheckResult]:
        """Checks claims in batches of `batch_size` spread over the actors; yields results in input order."""
        claims = list(claims)
        batches = [claims[i : i + batch_size] for i in range(0, len(claims), batch_size)]
        results = self._pool.map(lambda actor, batch: actor.check.remote(batch), batches)
        while True:
            try:
                yield from _get(self._ray, None, lambda: next(results))
            except StopIteration:
                return

    def close(self) -> None:
        """Stops the actors."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []

    def __enter__(self) -> "RayChecker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _get(ray: Any, refs: Any, call: Callable[[], Any] | None = None) -> Any:
    """ray.get (or `call`), re-raising a factcheck error from an actor as itself (one clear CLI line)."""
    try:
        return call() if call is not None else ray.get(refs)
    except ray.exceptions.RayError as exc:
        cause = factcheck_cause(exc)
        if cause is not None:
            raise cause from None
        raise
