"""Helpers for the server tests: a Checker on a small hashed index with a word-overlap verdict model,
a sentence-splitting claim extractor, and a uvicorn server running in a thread."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import numpy as np

from factcheck.records import Claim, Document

ARTICLE = (
    "Damascus, Monday.\n\n"
    "The Caesar Syria Civilian Protection Act became law on December 20, 2019, officials said. "
    "The Arab League voted to readmit Syria on May 7, 2023. "
    "Nobody knows what happens next."
)


class OverlapVerifier:
    """Entails when most of the claim's longer words appear in the evidence, else neutral."""

    name = "overlap-test"

    def __init__(self, delay: float = 0.0):
        self.delay = delay  # seconds per call: a slow model, for timeouts and shutdown
        self.calls: list[int] = []

    def predict(self, pairs, batch_size: int = 32):
        self.calls.append(len(pairs))
        time.sleep(self.delay)
        rows = []
        for evidence, claim in pairs:
            words = {w for w in re.findall(r"[a-z]{5,}", claim.lower())}
            shared = len(words & set(re.findall(r"[a-z]{5,}", evidence.lower()))) / max(1, len(words))
            rows.append([0.9, 0.05, 0.05] if shared >= 0.6 else [0.05, 0.05, 0.9])
        return np.array(rows)


class SentenceExtractor:
    """Every sentence of six words or more is a claim, with its span in the article."""

    def extract(self, article: Document, min_score: float | None = None) -> list[Claim]:
        claims = []
        for match in re.finditer(r"[A-Z][^.!?\n]*[.!?]", article.text):
            if len(match.group().split()) >= 6:
                claims.append(Claim(id=f"s{len(claims) + 1:03d}", text=match.group(), sentence=match.group(),
                                    start=match.start(), end=match.end(), source=article.source))
        return claims


def make_checker(tmp_path: Path, delay: float = 0.0):
    """A real Checker over a hashed index of the test corpus; no torch model is loaded."""
    from index_fakes import HashEmbedder, write_corpus

    from factcheck.index import build_index
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever

    embedder = HashEmbedder()
    build_index([write_corpus(tmp_path / "corpus")], tmp_path / "index", embedder=embedder)
    retriever = Retriever(tmp_path / "index", embedder=embedder)
    return Checker(retriever, OverlapVerifier(delay), embedder, models={"verifier": "overlap-test"}, min_similarity=0.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """Runs an ASGI app with uvicorn in a background thread on a free loopback port."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
