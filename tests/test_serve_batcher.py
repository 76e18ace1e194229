"""The micro-batcher: concurrent requests share one model call, off the event loop, in order; admission
control refuses what would queue past the budget."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from factcheck.serve.batcher import MicroBatcher, Overloaded, queue_wait


class Recorder:
    """A batch function that records its batches and the thread it ran on."""

    def __init__(self, delay: float = 0.0, fail_on: str | None = None):
        self.batches: list[list[str]] = []
        self.threads: set[int] = set()
        self.delay = delay
        self.fail_on = fail_on

    def __call__(self, items: list[str]) -> list[str]:
        self.batches.append(list(items))
        self.threads.add(threading.get_ident())
        time.sleep(self.delay)
        if self.fail_on in items:
            raise ValueError(f"cannot handle {self.fail_on}")
        return [item.upper() for item in items]


def run(coro):
    return asyncio.run(coro)


async def _with_batcher(fn, body, max_batch=16, max_wait=0.05, max_queue_seconds=None):
    executor = ThreadPoolExecutor(max_workers=1)
    batcher = MicroBatcher(fn, executor, max_batch=max_batch, max_wait=max_wait, max_queue_seconds=max_queue_seconds)
    await batcher.start()
    try:
        return await body(batcher)
    finally:
        await batcher.stop()
        executor.shutdown()


def test_concurrent_requests_share_one_call_and_get_their_own_results():
    fn = Recorder()

    async def body(batcher):
        return await asyncio.gather(*(batcher.submit([f"a{i}", f"b{i}"]) for i in range(5)))

    results = run(_with_batcher(fn, body))
    assert results == [[f"A{i}", f"B{i}"] for i in range(5)]
    assert len(fn.batches) == 1 and len(fn.batches[0]) == 10
    assert threading.get_ident() not in fn.threads  # the model work ran on the executor's thread


def test_batches_never_exceed_max_batch():
    fn = Recorder()

    async def body(batcher):
        return await asyncio.gather(*(batcher.submit([str(i)]) for i in range(10)))

    results = run(_with_batcher(fn, body, max_batch=4))
    assert [r[0] for r in results] == [str(i) for i in range(10)]
    assert [len(b) for b in fn.batches] == [4, 4, 2]


def test_requests_arriving_while_a_batch_runs_form_the_next_batch():
    fn = Recorder(delay=0.2)

    async def body(batcher):
        first = asyncio.ensure_future(batcher.submit(["first"]))
        await asyncio.sleep(0.1)  # the first batch is running now
        rest = [asyncio.ensure_future(batcher.submit([f"r{i}"])) for i in range(6)]
        return await asyncio.gather(first, *rest)

    run(_with_batcher(fn, body, max_wait=0.0))
    assert fn.batches == [["first"], [f"r{i}" for i in range(6)]]


def test_loop_stays_responsive_while_a_batch_runs():
    fn = Recorder(delay=0.3)

    async def body(batcher):
        task = asyncio.ensure_future(batcher.submit(["x"]))
        ticks = 0
        while not task.done():
            await asyncio.sleep(0.01)
            ticks += 1
        return ticks, batcher.busy

    ticks, busy = run(_with_batcher(fn, body))
    assert ticks >= 10  # a blocked loop would tick once or twice
    assert 0.3 <= busy < 1.0  # the time the model call took is counted


def test_a_failing_batch_fails_each_of_its_callers_and_the_batcher_goes_on():
    fn = Recorder(fail_on="bad")

    async def body(batcher):
        outcomes = await asyncio.gather(batcher.submit(["ok"]), batcher.submit(["bad"]), return_exceptions=True)
        after = await batcher.submit(["later"])
        return outcomes, after

    outcomes, after = run(_with_batcher(fn, body))
    assert all(isinstance(o, ValueError) and "cannot handle bad" in str(o) for o in outcomes)
    assert after == ["LATER"]


def test_abandoned_requests_are_not_computed():
    fn = Recorder(delay=0.2)

    async def body(batcher):
        first = asyncio.ensure_future(batcher.submit(["first"]))
        await asyncio.sleep(0.05)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(batcher.submit(["gone"]), 0.05)  # times out while queued
        return await first

    assert run(_with_batcher(fn, body, max_wait=0.0)) == ["FIRST"]
    assert ["gone"] not in fn.batches


def test_stop_finishes_queued_work_first():
    fn = Recorder(delay=0.05)

    async def main():
        executor = ThreadPoolExecutor(max_workers=1)
        batcher = MicroBatcher(fn, executor, max_batch=2, max_wait=0.0)
        await batcher.start()
        pending = [asyncio.ensure_future(batcher.submit([str(i)])) for i in range(5)]
        await asyncio.sleep(0)
        await batcher.stop()
        executor.shutdown()
        return [p.result() for p in pending]

    assert run(main()) == [[str(i)] for i in range(5)]


def test_submit_before_start_is_refused():
    batcher = MicroBatcher(Recorder(), ThreadPoolExecutor(max_workers=1))
    with pytest.raises(RuntimeError, match="start"):
        run(batcher.submit(["x"]))



def _rss_mb() -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) / 1024 for line in handle if line.startswith("VmRSS:"))


def test_release_free_memory_gives_freed_heap_pages_back():
    import platform

    from factcheck.serve.memory import release_free_memory

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's; other C libraries are left alone")
    chunks = [bytes(4000) + str(i).encode() for i in range(15_000)]  # ~60 MB of malloc'd (not pymalloc) blocks
    pin = bytes(4000) + b"pin"  # keeps the freed space below the top of the heap, where free() cannot trim it
    del chunks
    before = _rss_mb()
    assert release_free_memory() is True
    assert before - _rss_mb() > 30, "malloc_trim gave back less than half of the freed 60 MB"
    del pin


def test_queue_wait_is_the_queue_at_the_measured_throughput():
    assert queue_wait(12, batch_seconds=2.0, batch_items=4.0) == 6.0
    assert queue_wait(12, batch_seconds=0.0, batch_items=0.0) == 0.0  # nothing measured yet: no estimate


def test_requests_past_the_queueing_budget_are_refused_at_once_and_the_rest_answered():
    fn = Recorder(delay=0.2)

    async def body(batcher):
        await batcher.submit(["warm"])  # one batch measured: about 0.2 s per item at batches of 1
        item = batcher.batch_seconds
        outcomes = await asyncio.gather(*(batcher.submit([str(i)]) for i in range(10)), return_exceptions=True)
        return outcomes, batcher.refused, batcher.pending, item

    outcomes, refused, pending, item = run(_with_batcher(fn, body, max_batch=1, max_wait=0.0, max_queue_seconds=0.5))
    admitted = 1 + int(0.5 // item)  # with k items queued ahead a request waits k * item seconds
    assert 0.2 <= item < 0.5 and admitted in (2, 3)
    answered = [o for o in outcomes if not isinstance(o, Exception)]
    busy = [o for o in outcomes if isinstance(o, Overloaded)]
    assert answered == [[str(i)] for i in range(admitted)]  # the first ones, in arrival order
    assert len(busy) == 10 - admitted == refused
    assert [b for batch in fn.batches for b in batch] == ["warm", *(str(i) for i in range(admitted))]  # refused: never run
    assert all(b.retry_after >= 1 and "retry in" in str(b) for b in busy) and pending == 0


def test_before_the_first_batch_is_timed_one_batch_is_queued_at_most():
    fn = Recorder(delay=0.2)

    async def body(batcher):  # a burst on a fresh server: no throughput measured yet
        return await asyncio.gather(*(batcher.submit([str(i)]) for i in range(10)), return_exceptions=True)

    outcomes = run(_with_batcher(fn, body, max_batch=4, max_queue_seconds=2.0))
    assert outcomes[:4] == [["0"], ["1"], ["2"], ["3"]]
    assert all(isinstance(o, Overloaded) and o.retry_after == 1 for o in outcomes[4:])


def test_an_idle_batcher_takes_a_request_of_any_size():
    fn = Recorder(delay=0.1)

    async def body(batcher):
        await batcher.submit(["warm"])
        return await batcher.submit([str(i) for i in range(50)])  # 5 s of work, over the 0.1 s budget

    assert len(run(_with_batcher(fn, body, max_batch=8, max_queue_seconds=0.1))) == 50
