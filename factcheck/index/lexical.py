"""The BM25 side of an index (bm25s): one tokenizer for passages and queries, build, load, score."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import numpy as np

from factcheck.text import STEMMER_LANGUAGE
from factcheck.text import stemmer as text_stemmer

__all__ = ["BM25_DIR", "BM25_PARAMS", "tokenize", "build_bm25", "load_bm25", "bm25_scores"]

BM25_DIR = "bm25"
# bm25s' own stop list ("en"), which saved indexes were built with; the stemmer is `factcheck.text`'s
BM25_PARAMS = {"method": "lucene", "k1": 1.5, "b": 0.75, "stopwords": "en", "stemmer": STEMMER_LANGUAGE}


def tokenize(texts: list[str], stemmer: Any = None) -> list[list[str]]:
    """Lower-cases, drops English stop words and stems: the same for passages and queries."""
    import bm25s

    return bm25s.tokenize(
        texts, stopwords=BM25_PARAMS["stopwords"], stemmer=stemmer or text_stemmer(), return_ids=False, show_progress=False
    )


def build_bm25(batches: Iterable[list[str]], folder: Path) -> None:
    """Indexes passage texts (given in id order, in batches) with BM25 and saves it with bm25s' own format."""
    import bm25s

    stemmer = text_stemmer()
    tokens = [doc for batch in batches for doc in tokenize(batch, stemmer)]
    model = bm25s.BM25(method=BM25_PARAMS["method"], k1=BM25_PARAMS["k1"], b=BM25_PARAMS["b"])
    model.index(tokens, show_progress=False)
    model.save(str(folder), show_progress=False)


def load_bm25(folder: Path) -> Any:
    """Loads a saved bm25s index (memory-mapped arrays, no pickles)."""
    import bm25s

    return bm25s.BM25.load(str(folder), mmap=True, show_progress=False, verbosity=0)


def bm25_scores(model: Any, query_tokens: list[str], n: int) -> np.ndarray:
    """BM25 scores of every passage for one tokenized query (zeros when no query word is known)."""
    ids = model.get_tokens_ids(query_tokens) if query_tokens else []
    if not ids:
        return np.zeros(n, dtype=np.float32)
    return np.asarray(model.get_scores(ids), dtype=np.float32)
