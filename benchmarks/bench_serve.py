"""`factcheck serve` under load: 1, 4 and 16 concurrent clients posting one claim each to /v1/check on
loopback for a bounded time each, against the batched Checker's claims/s measured in the same run; one
server per configuration (batch size, admission control's queueing budget), to measure what each does.

The server is the real `factcheck serve` command in a subprocess (its RSS sampled twice a second); the
index is the demo corpus (`corpus/`) embedded with all-MiniLM-L6-v2; the claims are the example claim set
(`claims/example-claims.jsonl`), cycled. The baseline is `Checker.check` on batches of 16 of the same
claims in this process, timed before each phase and after the last while the server idles; each phase
is compared with the mean of the baselines around it, since a shared machine's load drifts.

    nice .venv/bin/python benchmarks/bench_serve.py [--seconds 60] [--clients 1,4,16] [--configs 16:0,8:2] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the CLI sets it
sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_section import run_args, write_section  # noqa: E402

from factcheck.serve.limits import ServeLimits  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Serving over HTTP"


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def cpu_model() -> str:
    """The CPU model name, as lscpu prints it."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class RssSampler(threading.Thread):
    """Samples a process's RSS every `every` seconds as (time, MB)."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples = pid, every, []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.samples.append((time.monotonic(), rss_mb(self.pid)))
            except OSError:
                return
            self.stopped.wait(self.every)

    def between(self, start: float, end: float) -> list[float]:
        return [mb for t, mb in self.samples if start <= t <= end]


class Baseline:
    """The batched Checker (the CLI's `check --claims` path) on the same index and claims, held in this
    process so it can be timed between the server's phases."""

    def __init__(self, index: Path, texts: list[str], batch: int = 16):
        from factcheck.pipeline import Checker
        from factcheck.records import Claim

        self.checker = Checker.from_index(index)
        self.claims = [Claim(id=str(i), text=texts[i % len(texts)]) for i in range(batch)]
        self.checker.check(self.claims[:1])  # warm: lazy loads are paid here

    def rate(self, seconds: float) -> float:
        """Claims/s over batches for about `seconds`."""
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            self.checker.check(self.claims)
            done += len(self.claims)
        return done / (time.perf_counter() - started)


async def load(url: str, texts: list[str], clients: int, seconds: float) -> dict:
    """`clients` loops posting one claim each until the time is up. A 503 (the server's admission control) is
    retried after its Retry-After, as a well-behaved client does; latency counts from the accepted attempt
    ("answered") and from the first attempt, waits included ("with retries")."""
    import httpx

    answered: list[float] = []
    overall: list[float] = []
    errors: list[str] = []
    busy = [0]
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def one(http: "httpx.AsyncClient", text: str) -> None:
        first = time.perf_counter()
        while True:
            started = time.perf_counter()
            response = await http.post("/v1/check", json={"claim": text})
            if response.status_code == 503 and "Retry-After" in response.headers:
                busy[0] += 1
                await asyncio.sleep(float(response.headers["Retry-After"]))
                continue
            if response.status_code != 200 or not response.json()["results"]:
                errors.append(f"{response.status_code}: {response.text[:200]}")
                return
            answered.append(time.perf_counter() - started)
            overall.append(time.perf_counter() - first)
            return

    async def client(http: "httpx.AsyncClient") -> None:
        while time.monotonic() < deadline:
            try:
                await one(http, texts[next(counter) % len(texts)])
            except httpx.HTTPError as exc:
                errors.append(repr(exc))

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=300) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    elapsed = time.monotonic() - started
    return {"clients": clients, "requests": len(answered), "errors": errors, "busy": busy[0], "seconds": elapsed,
            "claims_per_s": len(answered) / elapsed, "p50": percentile(answered, 0.5),
            "p95": percentile(answered, 0.95), "p95_retries": percentile(overall, 0.95)}


def start_server(index: Path, port: int, threads: str, batch_wait_ms: float, config: tuple[int, float]) -> subprocess.Popen:
    """`factcheck serve` in a subprocess with a (batch size, queueing budget) config, once /v1/health answers."""
    import httpx

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", FACTCHECK_THREADS=threads)
    env.pop("FACTCHECK_TOKEN", None)
    batch, queue = config
    proc = subprocess.Popen([sys.executable, "-c", "from factcheck.cli import main; main()", "serve", "--index",
                             str(index), "--port", str(port), "--log-level", "warning",
                             "--batch-wait-ms", str(batch_wait_ms), "--batch-size", str(batch),
                             "--max-queue-seconds", str(queue)], env=env)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"factcheck serve exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("factcheck serve did not start within 10 minutes")


def quarters(samples: list[float]) -> tuple[float, float, float]:
    """Median RSS of the first and of the last quarter of a phase, and its peak."""
    q = max(1, len(samples) // 4)
    return statistics.median(samples[:q]), statistics.median(samples[-q:]), max(samples)


def config_name(config: tuple[int, float]) -> str:
    batch, queue = config
    return f"batch {batch}, " + (f"{queue:g} s queue budget" if queue else "no admission control")


def report(args, phases, rates, info, shutdowns, load_avg) -> str:
    """The docs/benchmarks.md section."""
    for i, phase in enumerate(phases):  # the baselines just before and after
        phase["base"] = (rates[i] + rates[i + 1]) / 2
    lines = [
        SECTION, "",
        f"Run {datetime.date.today()} on {os.cpu_count()} CPU cores ({cpu_model()}), a machine shared with other "
        f"jobs (load average {load_avg[0]:.1f} at the start, {load_avg[1]:.1f} at the end), under `nice`: "
        f"`nice .venv/bin/python benchmarks/bench_serve.py{run_args()}`. Server: `factcheck serve` "
        f"(FACTCHECK_THREADS={args.threads}) on loopback, micro-batching with a "
        f"{1000 * info['batching']['max_wait_s']:g} ms wait, one server per configuration (`--batch-size`, "
        f"`--max-queue-seconds`); index: the demo corpus ({info['index']['counts']['passages']} passages, "
        f"all-MiniLM-L6-v2); each client posts one claim of `claims/example-claims.jsonl` to `/v1/check` at a "
        f"time for {args.seconds:g} s, and waits out a 503's Retry-After before retrying the same claim. "
        f"Baseline: `Checker.check` on batches of 16 of the same claims in the benchmark process (the `check "
        f"--claims` path), timed for {args.baseline_seconds:g} s before each phase and after the last while the "
        f"server idles: {', '.join(f'{r:.2f}' for r in rates)} claims/s. The machine's load drifts, so each phase "
        f"is compared with the mean of the two baselines around it.",
        "",
        "| server | clients | answered | errors | 503 (retried) | claims/s | vs batched Checker (its claims/s) | p50 "
        "| p95 | p95 with retries | claims per model call | model thread busy | server RSS, first → last quarter (peak) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for phase in phases:
        start, end, peak = phase["rss"]
        lines.append(
            f"| {config_name(phase['config'])} | {phase['clients']} | {phase['requests']} | {len(phase['errors'])} | "
            f"{phase['busy']} | {phase['claims_per_s']:.2f} | {phase['claims_per_s'] / phase['base']:.2f}× "
            f"({phase['base']:.2f}) | {phase['p50']:.2f} s | {phase['p95']:.2f} s | {phase['p95_retries']:.2f} s | "
            f"{phase['per_call']:.1f} | {phase['busy_share']:.0%} | {start:.0f} → {end:.0f} MB ({peak:.0f} MB) |"
        )
    most = max(p["clients"] for p in phases)
    lines.append("")
    for last in (p for p in phases if p["clients"] == most):
        start, end, _ = last["rss"]
        default = " (the default)" if last["config"] == (ServeLimits().max_batch, ServeLimits().max_queue_seconds) else ""
        lines.append(
            f"Targets at {most} clients, {config_name(last['config'])}{default}: throughput ≥ 0.9× the batched "
            f"Checker (**{last['claims_per_s'] / last['base']:.2f}×**), p95 < 5 s (**{last['p95']:.2f} s** for "
            f"answered requests, **{last['p95_retries']:.2f} s** counting the waits of requests refused with 503 "
            f"and retried), zero errors (**{len(last['errors'])}**, besides {last['busy']} 503 answers retried), "
            f"memory flat (**{end - start:+.0f} MB** from the first to the last quarter of the phase).")
    lines += [
        f"SIGTERM after each configuration: exit codes {', '.join(map(str, shutdowns))}.",
        "In a closed loop, latency is clients ÷ throughput (Little's law): p95 < 5 s for every one of 16 clients "
        "needs about 3.2 claims/s or more. Below that, admission control keeps the requests it accepts within the "
        "budget and refuses the others at once (503 + Retry-After), but it cannot make the machine faster: refused "
        "clients wait longer in all, and the smaller batches cut throughput. So it is off by default, and "
        "`--max-queue-seconds 2` turns it on where fast refusals suit the callers better than queueing.",
    ]
    return "\n".join(lines) + "\n"


def parse_configs(text: str) -> list[tuple[int, float]]:
    """ "16:0,8:2" -> [(16, 0.0), (8, 2.0)]: batch size and queueing budget (0: none) per server."""
    return [(int(b), float(q)) for b, q in (part.split(":") for part in text.split(","))]


def main() -> None:
    defaults = ServeLimits()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds per client count (bounded run)")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--configs", default=f"{defaults.max_batch}:{defaults.max_queue_seconds:g},16:2",
                        help="servers to compare, as batch-size:max-queue-seconds pairs (0: no admission control)")
    parser.add_argument("--baseline-seconds", type=float, default=30.0)
    parser.add_argument("--batch-wait-ms", type=float, default=1000 * defaults.batch_wait,
                        help="the server's --batch-wait-ms")
    parser.add_argument("--threads", default=os.environ.get("FACTCHECK_THREADS", str(os.cpu_count() or 1)))
    parser.add_argument("--no-write", action="store_true", help="print the section, do not write docs/benchmarks.md")
    args = parser.parse_args()
    import httpx

    from factcheck.embed import load_embedder
    from factcheck.index import build_index
    from factcheck.settings import limit_threads

    os.environ["FACTCHECK_THREADS"] = args.threads
    limit_threads()
    load_start = os.getloadavg()[0]
    texts = [json.loads(line)["text"] for line in (REPO / "claims" / "example-claims.jsonl").open(encoding="utf-8")]
    phases, shutdowns = [], []
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build_index([REPO / "corpus"], index, embedder=load_embedder())
        bench = Baseline(index, texts)
        rates = [bench.rate(args.baseline_seconds)]  # one before each phase and one after the last
        print(f"baseline: {rates[-1]:.2f} claims/s", flush=True)
        for config in parse_configs(args.configs):
            port = free_port()
            proc = start_server(index, port, args.threads, args.batch_wait_ms, config)
            url = f"http://127.0.0.1:{port}"
            sampler = RssSampler(proc.pid)
            sampler.start()
            try:
                for clients in (int(c) for c in args.clients.split(",")):
                    calls = httpx.get(url + "/v1/info", timeout=30).json()["batching"]
                    t0 = time.monotonic()
                    phase = asyncio.run(load(url, texts, clients, args.seconds))
                    t1 = time.monotonic()
                    after = httpx.get(url + "/v1/info", timeout=30).json()["batching"]
                    phase["config"] = config
                    phase["per_call"] = (after["claims"] - calls["claims"]) / max(1, after["model_calls"] - calls["model_calls"])
                    phase["busy_share"] = (after["busy_s"] - calls["busy_s"]) / (t1 - t0)
                    phase["rss"] = quarters(sampler.between(t0, t1) or [float("nan")])
                    phases.append(phase)
                    print(json.dumps({k: v for k, v in phase.items() if k != "errors"} | {"errors": len(phase["errors"])}),
                          flush=True)
                    for error in phase["errors"][:5]:
                        print("  error:", error, flush=True)
                    rates.append(bench.rate(args.baseline_seconds))  # the server idles meanwhile
                    print(f"baseline: {rates[-1]:.2f} claims/s", flush=True)
                info = httpx.get(url + "/v1/info", timeout=10).json()
            finally:
                proc.send_signal(signal.SIGTERM)
                shutdowns.append(proc.wait(timeout=120))
                sampler.stopped.set()
    text = report(args, phases, rates, info, shutdowns, (load_start, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


def free_port() -> int:
    """A free loopback port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
