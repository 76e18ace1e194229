"""Fault injection: `factcheck index` and `factcheck check --claims` run as subprocesses and are stopped
with SIGINT or SIGKILL at seeded random moments; after each stop the index must open and search, and
after the next complete run the report must hold every claim exactly once and no temp file may be left.

The real embedder and verdict model run on a tiny corpus. Most index trials rename a document, so the
build writes a whole generation without loading the embedder; the time goes to the check trials, each of
which loads both models (about 10 s of CPU)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_helpers import cli_command, cli_env

from factcheck.index import open_index
from factcheck.retrieve import Retriever

pytestmark = pytest.mark.slow

SEED = 15
INDEX_TRIALS = 14  # every EMBED_EVERY-th changes a text, so that kills also land while embedding
EMBED_EVERY = 7
CHECK_TRIALS = 6
SIGNALS = (signal.SIGINT, signal.SIGKILL)
STOPPED = {130, -signal.SIGINT, -signal.SIGKILL, 0}  # Ctrl-C handled, killed by either signal, or done first

FACTS = [
    ("caesar", "The Caesar Syria Civilian Protection Act became law on December 20, 2019."),
    ("league", "The Arab League suspended Syria in November 2011 and readmitted it on May 7, 2023."),
    ("refugees", "Turkey hosts about 3.6 million Syrian refugees, more than any other country."),
    ("moscow", "In December 2022 the defence ministers of Turkey and Syria met in Moscow."),
    ("deaths", "The conflict in Syria has killed more than 500,000 people since 2011."),
    ("quake", "The earthquake of February 6, 2023 killed more than 50,000 people in Turkey and Syria."),
]


def _write_corpus(folder: Path, variant: int = 0, revision: int = 0) -> Path:
    """The tiny corpus. A new `variant` renames one document (same text: its vectors are reused, so the
    build is quick but writes a whole generation); a new `revision` changes its text (it is embedded)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FACTS:
        (folder / f"{name}.txt").write_text(f"{name.title()}\n\n{text}\n", encoding="utf-8")
    for old in folder.glob("variant-*.txt"):
        old.unlink()
    text = f"Variant.\n\nThis corpus was revised {revision} times.\n"
    (folder / f"variant-{variant}.txt").write_text(text, encoding="utf-8")
    return folder


def _start(*args: object) -> subprocess.Popen:
    return subprocess.Popen(cli_command(*map(str, args)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=cli_env())


def _stop(process: subprocess.Popen, delay: float, signum: int) -> tuple[int, str]:
    """Sends `signum` after `delay` seconds (unless the process ended first); returns (exit code, stderr)."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


def _timed_run(*args: object) -> float:
    started = time.perf_counter()
    process = _start(*args)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return time.perf_counter() - started


def _assert_clean_stop(code: int, stderr: str) -> None:
    """A stop is an exit 130 with one line, or death by the signal; a traceback only for Ctrl-C during startup
    imports, before any command runs."""
    assert code in STOPPED, (code, stderr)
    if "Traceback" in stderr:
        assert code != 130 and stderr.rstrip().endswith("KeyboardInterrupt"), stderr


def _leftovers(folder: Path) -> list[str]:
    """Temporary files anywhere under a folder."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith((".tmp", ".partial")))


def test_index_survives_interrupts_and_kills(tmp_path, embedder):
    from factcheck.index import build_index

    rng = random.Random(SEED)
    corpus, folder = _write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index([corpus], folder, embedder=embedder)
    full = {False: _timed_run("index", _write_corpus(corpus, variant=1), "--index", folder)}
    for trial in range(2, INDEX_TRIALS + 2):
        embeds = trial % EMBED_EVERY == 0  # a changed text: the process loads the embedder and encodes
        _write_corpus(corpus, variant=trial, revision=trial if embeds else 0)
        if embeds and True not in full:
            full[True] = _timed_run("index", corpus, "--index", folder)
            continue
        code, stderr = _stop(_start("index", corpus, "--index", folder), rng.uniform(0.1, full[embeds]), rng.choice(SIGNALS))
        _assert_clean_stop(code, stderr)
        with open_index(folder) as index:  # the old generation, or the new one if the build finished
            assert index.info()["counts"]["documents"] == len(FACTS) + 1
            with Retriever(index, embedder=embedder) as retriever:
                hits = retriever.search("When did the Arab League readmit Syria?", k=3)
            assert hits[0].passage.doc_id.endswith("league.txt"), trial
    _timed_run("index", corpus, "--index", folder)
    generations = [p.name for p in folder.iterdir() if p.name.startswith("gen-")]
    assert len(generations) == 1 and not _leftovers(folder)
    with open_index(folder) as index:
        assert index.info()["counts"]["documents"] == len(FACTS) + 1


@pytest.fixture(scope="module")
def minilm_index(tmp_path_factory, embedder):
    from factcheck.index import build_index

    root = tmp_path_factory.mktemp("fault-check")
    folder = root / "index"
    build_index([_write_corpus(root / "corpus")], folder, embedder=embedder)
    return folder


def _claims(path: Path) -> list[str]:
    """A claims file of 24 claims, some supported, some refuted, some unrelated."""
    texts = [text for _, text in FACTS]
    texts += [t.replace("2011", "2012").replace("500,000", "two million").replace("3.6", "9") for t in texts]
    texts += [f"The city council approved budget number {n} for the new library." for n in range(12)]
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(texts, 1):
            handle.write(json.dumps({"id": f"c{number:02d}", "text": text}) + "\n")
    return [f"c{number:02d}" for number in range(1, len(texts) + 1)]


def test_check_resumes_after_interrupts_and_kills_without_losses_or_duplicates(tmp_path, minilm_index):
    rng = random.Random(SEED + 1)
    claims, report = tmp_path / "claims.jsonl", tmp_path / "report.jsonl"
    ids = _claims(claims)
    args = ("check", "--claims", claims, "-o", report, "--index", minilm_index, "--batch-size", "2")
    full = _timed_run(*args)
    reference = _verdicts(report)  # an uninterrupted run
    report.unlink()
    for _ in range(CHECK_TRIALS):
        code, stderr = _stop(_start(*args), rng.uniform(0.2, full), rng.choice(SIGNALS))
        _assert_clean_stop(code, stderr)
        partial = report.with_name(report.name + ".partial")
        if partial.exists():  # every complete line is a finished claim, none twice
            lines = partial.read_text(encoding="utf-8").splitlines()
            done = [json.loads(line)["claim"]["id"] for line in lines[:-1]]
            assert len(done) == len(set(done)) and set(done) <= set(ids)
        if report.exists():  # a run finished inside the trial: the report is complete
            assert [json.loads(line)["claim"]["id"] for line in report.read_text().splitlines()] == ids
            report.unlink()
    _timed_run(*args)
    assert [claim for claim, _, _ in _verdicts(report)] == ids  # every claim once, in input order
    assert _verdicts(report) == reference  # resumed pieces give what one uninterrupted run gave
    assert not _leftovers(tmp_path)


def _verdicts(report: Path) -> list[tuple[str, str, float]]:
    """(claim id, verdict, confidence) of each line of a report."""
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    return [(r["claim"]["id"], r["verdict"], r["confidence"]) for r in records]
