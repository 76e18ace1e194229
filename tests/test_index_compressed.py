"""The compressed index for large corpora: IVF over 8-bit scalar-quantised vectors, chosen by size,
trained on a sample, with nprobe stored in the manifest and overridable at search time."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.index import build_index, choose_faiss, open_index
from factcheck.index.vectors import COMPRESS_MIN, FLAT_MAX, build_faiss, load_faiss, train_size
from factcheck.retrieve import Retriever
from index_fakes import DOCS, HashEmbedder, write_corpus

runner = CliRunner()


def clustered(n: int, dim: int, seed: int, topics: int = 200) -> np.ndarray:
    """Unit vectors in topic clusters (like passage embeddings: many near neighbours, not uniform noise)."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).standard_normal((topics, dim)).astype(np.float32)
    x = centres[rng.integers(0, topics, n)] + rng.standard_normal((n, dim)).astype(np.float32) * 0.9
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_auto_choice_compresses_past_the_threshold():
    assert choose_faiss(FLAT_MAX).type == "flat"
    assert choose_faiss(COMPRESS_MIN - 1).type == "ivf"
    plan = choose_faiss(COMPRESS_MIN)
    nlist = int(4 * math.sqrt(COMPRESS_MIN))
    assert (plan.type, plan.factory) == ("ivf-sq8", f"IVF{nlist},SQ8")
    assert plan.params["nprobe"] == nlist // 8
    assert choose_faiss(10_000_000).factory.endswith(",SQ8")
    assert choose_faiss(5_000, "ivf-sq8").factory == "IVF128,SQ8"


def test_training_sample_is_bounded_per_list():
    import faiss

    ivf = faiss.index_factory(32, "IVF4000,SQ8", faiss.METRIC_INNER_PRODUCT)
    assert train_size(ivf, 10_000_000) == 64 * 4000
    assert train_size(ivf, 200_000) == 200_000
    assert train_size(faiss.index_factory(32, "SQ8"), 10_000_000) == 100_000


def test_compressed_recall_and_size(tmp_path):
    n, dim = 30_000, 64
    data, queries = clustered(n, dim, 1), clustered(200, dim, 2)
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :10]
    plan = choose_faiss(n, "ivf-sq8")
    build_faiss(data, plan, tmp_path / "sq8.index")
    build_faiss(data, choose_faiss(n, "flat"), tmp_path / "flat.index")
    index = load_faiss(tmp_path / "sq8.index", plan.params)
    _, found = index.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact)])
    assert recall >= 0.95, recall
    ratio = (tmp_path / "sq8.index").stat().st_size / (tmp_path / "flat.index").stat().st_size
    assert ratio < 0.35, ratio  # 1 byte per dimension (+ 8-byte id) instead of 4 bytes


@pytest.fixture(scope="module")
def sq8_index(tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("sq8-corpus"), DOCS)
    folder = tmp_path_factory.mktemp("sq8") / "index"
    build_index([corpus], folder, embedder=HashEmbedder(), faiss="ivf-sq8")
    return folder


def test_manifest_records_type_and_nprobe(sq8_index):
    with open_index(sq8_index) as index:
        faiss_info = index.manifest["faiss"]
        assert faiss_info["type"] == "ivf-sq8" and faiss_info["factory"].endswith(",SQ8")
        assert faiss_info["params"]["nprobe"] >= 1
        assert index.faiss.nprobe == faiss_info["params"]["nprobe"]


def test_nprobe_override_at_search_time(sq8_index):
    with Retriever(sq8_index, mode="dense", embedder=HashEmbedder(), nprobe=3) as retriever:
        hits = retriever.search("Arab League readmitted Syria", k=2)
        assert retriever.index.faiss.nprobe == 3
        retriever.index.set_search_params(nprobe=1)  # also after loading
        assert retriever.index.faiss.nprobe == 1
        assert hits and hits[0].passage.doc_id.endswith("league.txt")
        # passage vectors stay a memory map on disk; search reads only the rows it returns
        assert isinstance(retriever.index.vectors, np.memmap)


def test_cli_search_nprobe(sq8_index, tmp_path):
    result = runner.invoke(
        app, ["search", "Caesar Act sanctions", "--index", str(sq8_index), "--mode", "bm25", "--nprobe", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["passage"]["doc_id"].endswith("caesar.txt")
    flat = tmp_path / "flat"
    build_index([write_corpus(tmp_path / "c", DOCS)], flat, embedder=HashEmbedder())
    result = runner.invoke(app, ["search", "Caesar", "--index", str(flat), "--mode", "bm25", "--nprobe", "4"])
    assert result.exit_code == 3
    assert "nprobe applies to IVF indexes; this index is Flat" in result.output
