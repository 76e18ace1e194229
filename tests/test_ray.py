"""Scale-out on a local Ray instance (2 CPUs): the Ray index build and Ray batch checking give the same
results as the single-process paths. Skipped when Ray is not installed (pip install 'factcheck[ray]')."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.index import build_index, open_index
from factcheck.records import Claim
from index_fakes import DOCS, HashEmbedder, write_corpus

runner = CliRunner()
TESTS = Path(__file__).parent
needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray is not installed: pip install 'factcheck[ray]'"
)

MORE_DOCS = {
    f"extra-{i}.txt": (
        f"Report {i}.\n\nIn {2010 + i} the council met {i + 2} times to discuss sanctions and refugees. "
        f"About {(i + 1) * 120},000 people crossed the border that year, officials said. "
        f"Talks in Moscow and Geneva followed in {2011 + i}, without a settlement."
    )
    for i in range(10)
}
CLAIMS = [
    "The Caesar Act became law in December 2019.",
    "The Arab League readmitted Syria in May 2023.",
    "Turkey hosts about 3.6 million Syrian refugees.",
    "Turkey hosts about 9 million Syrian refugees.",
    "The Arab League suspended Syria in 2011.",
    "The council met 5 times in 2013.",
    "Defence ministers met in Moscow in December 2022.",
    "The first sanctions were announced in June 2020.",
    "Talks in Geneva ended the war.",
]


@pytest.fixture(scope="module")
def ray_local():
    """One local Ray instance for this module; workers can import the test helpers."""
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'factcheck[ray]'")
    env = {"PYTHONPATH": str(TESTS), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": env})
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("ray-corpus"), {**DOCS, **MORE_DOCS})


@pytest.fixture(scope="module")
def hash_index(tmp_path_factory, corpus):
    """A single-process index built with the hash embedder (no model to load)."""
    folder = tmp_path_factory.mktemp("ray-hash") / "index"
    build_index([corpus], folder, embedder=HashEmbedder())
    return folder


# ------------------------------------------------------------------ index


def _passages(folder: Path) -> list[tuple]:
    with open_index(folder) as index:
        hits = index.hits(range(index.size))
        return [(pid, h.passage.doc_id, h.passage.text, h.passage.start, h.passage.end) for pid, h in sorted(hits.items())]


def _vectors(folder: Path) -> np.ndarray:
    with open_index(folder) as index:
        return np.array(index.vectors)


@needs_ray
@pytest.mark.slow
def test_cli_ray_index_matches_single_process(ray_local, corpus, tmp_path, embedder):
    single, distributed = tmp_path / "single", tmp_path / "ray"
    build_index([corpus], single, embedder=embedder)
    result = runner.invoke(app, ["index", str(corpus), "--index", str(distributed), "--ray", "--ray-actors", "2", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["embedded"] == stats["passages"] >= 13
    assert _passages(single) == _passages(distributed)
    np.testing.assert_allclose(_vectors(single), _vectors(distributed), atol=1e-5)
    with open_index(distributed) as index:
        assert not (index.generation / "shards").exists() and index.embedder_name == "all-MiniLM-L6-v2"
    for query in ["sanctions on the Syrian government", "refugees in Turkey", "Arab League vote"]:
        hits = [json.loads(runner.invoke(app, ["search", query, "--index", str(f), "--json"]).stdout) for f in (single, distributed)]
        assert [h["passage"]["id"] for h in hits[0]] == [h["passage"]["id"] for h in hits[1]]


@needs_ray
def test_ray_index_many_shards_and_incremental(ray_local, corpus, hash_index, tmp_path):
    from factcheck.scale import build_index_ray

    folder = tmp_path / "index"
    stats = build_index_ray([corpus], folder, embedder="hash-test", make_embedder=HashEmbedder, ray_batch=4, actors=2)
    assert stats.embedded == stats.passages
    assert _passages(folder) == _passages(hash_index)
    np.testing.assert_allclose(_vectors(folder), _vectors(hash_index), atol=1e-6)
    (corpus / "new.txt").write_text("A new report.\n\nThe border reopened in 2024 after talks.", encoding="utf-8")
    try:
        again = build_index_ray([corpus], folder, make_embedder=HashEmbedder, ray_batch=4, actors=2)
    finally:
        (corpus / "new.txt").unlink()
    assert (again.added, again.unchanged, again.embedded) == (1, stats.documents, again.passages - stats.passages)


def broken_embedder():
    from factcheck.errors import ModelError

    raise ModelError("embedder 'broken' could not be loaded; pass an installed model path")


@needs_ray
def test_ray_index_worker_error_keeps_old_index(ray_local, corpus, hash_index, tmp_path):
    from factcheck.errors import ModelError
    from factcheck.scale import RayEmbedder

    folder = tmp_path / "index"
    shutil.copytree(hash_index, folder)
    before = (folder / "manifest.json").read_text()
    (corpus / "changed.txt").write_text("A changed report.\n\nThe border closed again in 2025.", encoding="utf-8")
    try:
        with pytest.raises(ModelError, match="'broken' could not be loaded"):
            build_index([corpus], folder, embedder=RayEmbedder("hash-test", 64, actors=1, make_embedder=broken_embedder))
    finally:
        (corpus / "changed.txt").unlink()
    assert (folder / "manifest.json").read_text() == before
    assert sorted(p.name for p in folder.glob("gen-*")) == sorted(p.name for p in hash_index.glob("gen-*"))


def test_ray_missing_is_one_clear_line(monkeypatch, corpus, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    result = runner.invoke(app, ["index", str(corpus), "--index", str(tmp_path / "i"), "--ray"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: --ray needs Ray, which is not installed; run: pip install 'factcheck[ray]'"]
    assert not (tmp_path / "i" / "manifest.json").exists()


# ------------------------------------------------------------------ check


class OverlapVerifier:
    """A stand-in verdict model: entailment grows with word overlap, contradiction with differing numbers."""

    name = "overlap-nli"

    def predict(self, pairs, batch_size=32):
        rows = []
        for evidence, claim in pairs:
            ev, cl = set(re.findall(r"[a-z]+", evidence.lower())), set(re.findall(r"[a-z]+", claim.lower()))
            overlap = len(ev & cl) / max(1, len(cl))
            clash = bool(set(re.findall(r"\d+", claim)) - set(re.findall(r"\d+", evidence)))
            entail, contra = overlap * (0.4 if clash else 0.95), overlap * (0.55 if clash else 0.02)
            rows.append([entail, contra, 1.0 - entail - contra])
        return np.array(rows)


def no_numbers(text):
    return [], []


def fake_checker(index_dir: str):
    """A Checker over the hash-embedder index with the stand-in verdict model (picklable by reference)."""
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever

    retriever = Retriever(index_dir, embedder=HashEmbedder())
    return Checker(retriever, OverlapVerifier(), HashEmbedder(), models={"verifier": "overlap-nli"}, parse_numbers=no_numbers)


def _claims() -> list[Claim]:
    return [Claim(id=f"c{i}", text=text) for i, text in enumerate(CLAIMS)]


def _same_results(expected, got) -> None:
    assert [r.claim.id for r in got] == [r.claim.id for r in expected]
    for a, b in zip(expected, got):
        assert a.verdict == b.verdict
        assert abs(a.confidence - b.confidence) <= 1e-6
        assert [(e.doc_id, e.passage_id, e.sentence) for e in a.evidence] == [(e.doc_id, e.passage_id, e.sentence) for e in b.evidence]


@needs_ray
def test_ray_check_matches_single_process(ray_local, hash_index):
    from factcheck.scale import RayChecker

    expected = list(fake_checker(str(hash_index)).check_stream(_claims(), batch_size=2))
    assert len({r.verdict for r in expected}) > 1  # the comparison covers more than one verdict
    with RayChecker(functools.partial(fake_checker, str(hash_index)), actors=2) as checker:
        got = list(checker.check_stream(_claims(), batch_size=2))
        one = checker.check_one(CLAIMS[0])
    _same_results(expected, got)
    assert one.verdict == expected[0].verdict


@needs_ray
def test_ray_check_resumes_through_partial_report(ray_local, hash_index, tmp_path):
    from factcheck.batch import check_batch
    from factcheck.report.jsonl import PartialReport, read_report
    from factcheck.scale import RayChecker

    claims = _claims()
    expected = fake_checker(str(hash_index)).check(claims)
    out = tmp_path / "report.jsonl"
    interrupted = PartialReport(out)
    for result in expected[:3]:
        interrupted.add(result)
    interrupted.close()  # the run stopped here
    with RayChecker(functools.partial(fake_checker, str(hash_index)), actors=2) as checker:
        results = check_batch(checker, claims, out, batch_size=2)
    _same_results(expected, results)
    _same_results(expected, read_report(out))
    assert not out.with_name(out.name + ".partial").exists()


@needs_ray
def test_ray_check_surfaces_worker_errors(ray_local, tmp_path):
    from factcheck.errors import IndexError_
    from factcheck.scale import RayChecker

    with pytest.raises(IndexError_, match="no index here"):
        RayChecker(functools.partial(fake_checker, str(tmp_path / "missing")), actors=1)


def _bundled_verifier_reason() -> str | None:
    from factcheck.verify.nli import BUNDLED_DIR

    if not (BUNDLED_DIR / "config.json").is_file():
        return f"the bundled verifier is not installed yet at {BUNDLED_DIR} (factcheck train verifier --install)"
    return None


@needs_ray
@pytest.mark.slow
def test_cli_ray_check_matches_single_process_with_real_models(ray_local, corpus, tmp_path, embedder):
    reason = _bundled_verifier_reason()
    if reason:
        pytest.skip(reason)
    from factcheck.report.jsonl import read_report

    folder = tmp_path / "index"
    build_index([corpus], folder, embedder=embedder)
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps({"id": c.id, "text": c.text}) + "\n" for c in _claims()), encoding="utf-8")
    outs = {name: tmp_path / f"{name}.jsonl" for name in ("single", "ray")}
    base = ["check", "--claims", str(claims), "--index", str(folder), "--batch-size", "3", "--json"]
    assert runner.invoke(app, [*base, "-o", str(outs["single"])]).exit_code == 0
    result = runner.invoke(app, [*base, "-o", str(outs["ray"]), "--ray", "--ray-actors", "2"])
    assert result.exit_code == 0, result.output
    _same_results(read_report(outs["single"]), read_report(outs["ray"]))


def test_article_ray_missing_is_one_clear_line(monkeypatch, hash_index, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    article = tmp_path / "article.txt"
    article.write_text(" ".join(CLAIMS), encoding="utf-8")
    result = runner.invoke(app, ["article", str(article), "--index", str(hash_index), "--ray"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: --ray needs Ray, which is not installed; run: pip install 'factcheck[ray]'"]


@needs_ray
@pytest.mark.slow
def test_cli_article_ray_matches_single_process(ray_local, hash_index, tmp_path, monkeypatch):
    """`article --ray` checks the extracted claims on Ray actors (here: the stand-in Checker in each), with the
    same results as in one process."""
    from factcheck.pipeline import Checker
    from factcheck.report.jsonl import read_report
    from factcheck.scale import RayChecker

    monkeypatch.setattr(Checker, "from_index", classmethod(lambda cls, index_dir, **kw: fake_checker(str(index_dir))))
    monkeypatch.setattr(RayChecker, "from_index", classmethod(
        lambda cls, index_dir, verifier="bundled", actors=None, address=None: cls(
            functools.partial(fake_checker, str(index_dir)), actors, address)))
    article = tmp_path / "article.txt"
    article.write_text(" ".join(CLAIMS), encoding="utf-8")
    outs = {name: tmp_path / f"{name}.jsonl" for name in ("single", "ray")}
    base = ["article", str(article), "--index", str(hash_index), "--batch-size", "2", "--json"]
    assert runner.invoke(app, [*base, "-o", str(outs["single"])]).exit_code == 0
    result = runner.invoke(app, [*base, "-o", str(outs["ray"]), "--ray", "--ray-actors", "2"])
    assert result.exit_code == 0, result.output
    single = read_report(outs["single"])
    assert len(single) >= 3
    _same_results(single, read_report(outs["ray"]))
