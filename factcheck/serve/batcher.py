"""Micro-batching: requests that arrive together share one model call, run off the event loop.

    >>> batcher = MicroBatcher(checker.check, executor, max_batch=16, max_wait=0.01)
    >>> await batcher.start()
    >>> results = await batcher.submit([claim_a, claim_b])     # joins whatever else is queued
    >>> await batcher.stop()                                   # finishes the queued work first

Admission control: with `max_queue_seconds`, a request whose items would wait longer than that behind
the items already queued (at the measured seconds per item) is refused with `Overloaded` at once, so an
accepted request is answered within about the budget plus one batch, instead of every request queueing.
"""

from __future__ import annotations

import asyncio
import math
from concurrent.futures import Executor
from typing import Callable, Generic, Sequence, TypeVar

__all__ = ["MicroBatcher", "Overloaded", "queue_wait", "DEFAULT_MAX_BATCH", "DEFAULT_MAX_WAIT", "DEFAULT_MAX_QUEUE_SECONDS"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MAX_BATCH = 16  # the CLI's --batch-size default
DEFAULT_MAX_WAIT = 0.01  # seconds a lone item waits for company; under load the queue fills while a batch runs
DEFAULT_MAX_QUEUE_SECONDS = 0.0  # off: a 2 s budget held accepted requests' p95 under 5 s but cut throughput (docs/benchmarks.md)
_SMOOTHING = 0.2  # weight of the latest batch in the moving averages of batch size and batch seconds


class Overloaded(Exception):
    """The queue ahead would take longer than the budget; `retry_after`: seconds until it should have drained
    to the budget (at least 1)."""

    def __init__(self, queued: int, wait: float, budget: float):
        self.queued, self.wait, self.budget = queued, wait, budget
        self.retry_after = max(1, math.ceil(wait - budget))
        super().__init__(f"the server is busy: {queued} claims are queued ahead (about {wait:.0f} s of work), over "
                         f"its {budget:g} s queueing budget; retry in {self.retry_after} s")


def queue_wait(queued: int, batch_seconds: float, batch_items: float) -> float:
    """Seconds before a new item starts: the queued items at the measured throughput (items per batch second)."""
    return queued * batch_seconds / batch_items if batch_items > 0 else 0.0


def _smoothed(average: float, value: float) -> float:
    """An exponential moving average; the first value starts it."""
    return value if average == 0.0 else (1 - _SMOOTHING) * average + _SMOOTHING * value


class MicroBatcher(Generic[T, R]):
    """Collects items from concurrent callers for up to `max_wait` seconds (or `max_batch` items), then
    runs `fn(items)` once in `executor`, in arrival order; each caller gets its own items' results back, in
    order. With `max_queue_seconds`, `submit` raises Overloaded when the queue ahead would take longer."""

    def __init__(self, fn: Callable[[list[T]], Sequence[R]], executor: Executor,
                 max_batch: int = DEFAULT_MAX_BATCH, max_wait: float = DEFAULT_MAX_WAIT,
                 max_queue_seconds: float | None = None):
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.fn = fn
        self.executor = executor
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.max_queue_seconds = max_queue_seconds
        self.batches = 0  # calls of fn so far, the items they held and the seconds they took (/v1/info)
        self.items = 0
        self.busy = 0.0
        self.refused = 0  # requests refused as Overloaded
        self.pending = 0  # items queued or running
        self.batch_seconds = 0.0  # moving averages over recent batches: the measured throughput
        self.batch_items = 0.0
        self._queue: asyncio.Queue[tuple[T, asyncio.Future]] | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """Starts the collecting loop on the running event loop."""
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        """Runs what is still queued, then stops the loop."""
        if self._task is None or self._queue is None:
            return
        await self._queue.join()
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    def observe(self, seconds: float, items: int) -> None:
        """Counts one call of fn on `items` items that took `seconds` (the batcher's own, or a warm-up's)."""
        self.busy += seconds
        self.batches += 1
        self.items += items
        self.batch_seconds = _smoothed(self.batch_seconds, seconds)
        self.batch_items = _smoothed(self.batch_items, items)

    def expected_wait(self) -> float:
        """Seconds a new item would wait for the items queued or running ahead of it."""
        return queue_wait(self.pending, self.batch_seconds, self.batch_items)

    def _over_budget(self) -> bool:
        """Whether the queue ahead exceeds the budget; before a batch has been timed, whether one batch is queued."""
        if self.batch_items == 0:
            return self.pending >= self.max_batch
        return self.expected_wait() > (self.max_queue_seconds or 0.0)

    async def submit(self, items: Sequence[T]) -> list[R]:
        """Queues items and waits for their results; cancelling the wait drops those not yet started. An idle
        batcher takes any request; a busy one refuses it (Overloaded) when the queue exceeds the budget."""
        if self._queue is None or self._task is None:
            raise RuntimeError("the batcher is not running; call start() first")
        if self.max_queue_seconds is not None and self.pending and self._over_budget():
            self.refused += 1
            raise Overloaded(self.pending, self.expected_wait(), self.max_queue_seconds)
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in items]
        self.pending += len(items)
        for item, future in zip(items, futures):
            self._queue.put_nowait((item, future))
        try:
            return list(await asyncio.gather(*futures))
        except asyncio.CancelledError:
            for future in futures:
                future.cancel()
            raise

    async def _collect(self) -> list[tuple[T, asyncio.Future]]:
        """Waits for one item, then gathers more until the batch is full or max_wait has passed."""
        assert self._queue is not None
        batch = [await self._queue.get()]
        deadline = asyncio.get_running_loop().time() + self.max_wait
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
                continue
            except asyncio.QueueEmpty:
                pass
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(self._queue.get(), remaining))
            except asyncio.TimeoutError:
                break
        return batch

    async def _run(self) -> None:
        """The loop: collect a batch, run it in the executor, hand out results or the error."""
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._collect()
            live = [(item, future) for item, future in batch if not future.done()]  # skip abandoned requests
            try:
                if live:
                    started = loop.time()
                    results = await loop.run_in_executor(self.executor, self.fn, [item for item, _ in live])
                    self.observe(loop.time() - started, len(live))
                    for (_, future), result in zip(live, results):
                        if not future.done():
                            future.set_result(result)
            except Exception as exc:  # noqa: BLE001 - handed to every caller of the batch
                for _, future in live:
                    if not future.done():
                        future.set_exception(exc)
            finally:
                self.pending -= len(batch)
                for _ in batch:
                    self._queue.task_done()
