"""Test helpers for the index stage: a fast deterministic embedder and a small corpus writer."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np


class HashEmbedder:
    """Bag-of-words hashed into `dim` buckets, L2-normalised: fast, deterministic, no model to load."""

    def __init__(self, name: str = "hash-test", dim: int = 64, fail_after: int | None = None, error=RuntimeError,
                 same: dict[str, str] | None = None):
        self.name = name
        self.same = same or {}  # words to treat as one (synonyms a real embedder would place together)
        self.dim = dim
        self.calls = 0
        self.encoded = 0
        self.fail_after = fail_after  # raise on the call after this many texts were encoded
        self.error = error

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        if self.fail_after is not None and self.encoded >= self.fail_after:
            raise self.error("simulated failure while embedding")
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                word = self.same.get(word, word)
                out[row, zlib.crc32(word[:5].encode()) % self.dim] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out


DOCS = {
    "caesar.txt": (
        "The Caesar Act.\n\nThe Caesar Syria Civilian Protection Act became law on December 20, 2019. "
        "It authorises sanctions on those who support the Syrian government. "
        "The first sanctions under the act were announced in June 2020."
    ),
    "turkey.md": (
        "# Turkey and Syria\n\nTurkey broke off relations with Damascus in 2011. "
        "In December 2022 the defence ministers of both countries met in Moscow. "
        "Turkey hosts about 3.6 million Syrian refugees."
    ),
    "league.txt": (
        "Arab League.\n\nThe Arab League suspended Syria in November 2011. "
        "Its foreign ministers voted to readmit Syria on May 7, 2023."
    ),
}


def write_corpus(folder: Path, docs: dict[str, str] = DOCS) -> Path:
    """Writes the given documents into `folder` and returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
