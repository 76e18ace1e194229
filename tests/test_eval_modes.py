"""Evaluation modes and `factcheck eval` on a tiny corpus, a hashed embedder and a fake verdict model."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.eval import modes
from factcheck.eval.readers import Dataset, EvalExample, GoldEvidence, read_jsonl
from index_fakes import HashEmbedder

CORPUS = {
    "paris": "Paris is the capital of France. The city lies on the Seine river.",
    "berlin": "Berlin is the capital of Germany. It has about 3.7 million inhabitants.",
    "tokyo": "Tokyo is the capital of Japan. The metropolis is the most populous in the world.",
    "nile": "The Nile is a major river in Africa. It flows north into the Mediterranean Sea.",
    "everest": "Mount Everest is the highest mountain on Earth above sea level.",
    "moon": "The Moon orbits the Earth about once every 27 days.",
}
CLAIMS = [
    {"id": "c1", "claim": "Paris is the capital of France.", "label": "SUPPORTED",
     "evidence": ["Paris is the capital of France."], "evidence_ids": ["paris"]},
    {"id": "c2", "claim": "Berlin is not the capital of Germany.", "label": "REFUTED",
     "evidence": ["Berlin is the capital of Germany."], "evidence_ids": ["berlin"]},
    {"id": "c3", "claim": "The Nile flows north into the Mediterranean Sea.", "label": "SUPPORTED",
     "evidence": ["It flows north into the Mediterranean Sea."], "evidence_ids": ["nile"]},
    {"id": "c4", "claim": "Tokyo has more parks than any other city.", "label": "NOT_ENOUGH_INFO"},
]


def _words(text):
    return set(re.findall(r"[a-z]+", text.lower())) - {"the", "is", "of", "not", "it", "into", "than", "a"}


class FakeVerifier:
    """Entailment when the evidence covers most of the claim's words, contradiction when a 'not' differs."""

    name = "fake-nli"

    def predict(self, pairs, batch_size=32):
        rows = []
        for evidence, claim in pairs:
            covered = len(_words(claim) & _words(evidence)) / max(len(_words(claim)), 1)
            negated = (" not " in f" {claim} ") != (" not " in f" {evidence} ")
            rows.append([0.05, 0.9, 0.05] if covered >= 0.6 and negated else [0.9, 0.05, 0.05] if covered >= 0.6 else [0.1, 0.1, 0.8])
        return np.array(rows)


@pytest.fixture
def files(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": k, "title": k.title(), "text": v}) + "\n" for k, v in CORPUS.items()))
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps(c) + "\n" for c in CLAIMS))
    return claims, corpus


@pytest.fixture
def fakes(monkeypatch):
    """No real models: the hashed embedder for search, the fake verdict model, no number parser."""
    monkeypatch.setattr("factcheck.embed.load_embedder", lambda name="x", device=None, precision=None: HashEmbedder())
    monkeypatch.setattr(modes, "load_verifier", lambda name: FakeVerifier())
    monkeypatch.setattr("factcheck.pipeline.default_number_parser", lambda: (lambda text: ([], [])))


def test_oracle_aggregates_gold_evidence_with_decide():
    examples = [
        EvalExample("a", "x", "SUPPORTED", [GoldEvidence("d", "e1", "d:1"), GoldEvidence("d", "e2", "d:2")]),
        EvalExample("b", "y", "CONFLICTING", [GoldEvidence("d", "e3", "d:3"), GoldEvidence("d", "e4", "d:4")]),
        EvalExample("c", "z", "NOT_ENOUGH_INFO", []),
    ]

    class Table:
        probs = {"e1": [0.3, 0.1, 0.6], "e2": [0.88, 0.1, 0.02], "e3": [0.92, 0.05, 0.03], "e4": [0.02, 0.95, 0.03]}

        def predict(self, pairs, batch_size=32):
            return np.array([self.probs[e] for e, _ in pairs])

    preds = modes.oracle_predictions(Dataset("t", examples), Table())
    assert [(p.verdict, round(p.confidence, 2)) for p in preds] == [
        ("SUPPORTED", 0.88), ("CONFLICTING", 0.92), ("NOT_ENOUGH_INFO", 1.0)
    ]


def test_retrieval_mode_scores_each_retriever_and_reuses_the_index(files, fakes, tmp_path):
    claims, corpus = files
    data = read_jsonl(claims, corpus=corpus)
    index = tmp_path / "index"
    report, _ = modes.evaluate(data, "retrieval", index, retrievers=["bm25", "dense", "hybrid"], embedder=HashEmbedder())
    assert report["judged_claims"] == 3 and list(report["retrieval"]) == ["bm25", "dense", "hybrid"]
    assert report["retrieval"]["bm25"]["nDCG@10"] == pytest.approx(1.0)  # each claim's document ranks first
    assert all(r["R@10"] == 1.0 for r in report["retrieval"].values())  # six documents: all within 10
    generation = json.loads((index / "manifest.json").read_text())["generation"]
    modes.evaluate(data, "retrieval", index, retrievers=["bm25"], embedder=HashEmbedder())
    assert json.loads((index / "manifest.json").read_text())["generation"] == generation  # not rebuilt


def test_an_index_of_another_corpus_is_not_overwritten(files, fakes, tmp_path):
    from factcheck.errors import InputError
    from factcheck.index import build_index

    claims, corpus = files
    build_index([corpus], tmp_path / "news", embedder=HashEmbedder())  # a user's own index
    before = (tmp_path / "news" / "manifest.json").read_text()
    with pytest.raises(InputError, match="holds an index of .*corpus.jsonl, not of this data set"):
        modes.evaluate(read_jsonl(claims), "retrieval", tmp_path / "news", embedder=HashEmbedder())
    assert (tmp_path / "news" / "manifest.json").read_text() == before
    index = tmp_path / "eval-index"  # an evaluation index is rebuilt when the data set changes
    modes.evaluate(read_jsonl(claims), "retrieval", index, retrievers=["bm25"], embedder=HashEmbedder())
    report, _ = modes.evaluate(read_jsonl(claims, corpus=corpus), "retrieval", index, retrievers=["bm25"],
                               embedder=HashEmbedder())
    assert report["corpus_documents"] == 6 and report["retrieval"]["bm25"]["R@10"] == 1.0


def test_open_mode_runs_the_pipeline_and_scores_fever(files, fakes, tmp_path):
    claims, corpus = files
    data = read_jsonl(claims, corpus=corpus)
    report, preds = modes.evaluate(data, "open", tmp_path / "index", retrievers=["bm25"], embedder=HashEmbedder())
    verdicts = {p.id: p.verdict for p in preds}
    assert verdicts == {"c1": "SUPPORTED", "c2": "REFUTED", "c3": "SUPPORTED", "c4": "NOT_ENOUGH_INFO"}
    assert "paris" in next(p for p in preds if p.id == "c1").evidence_ids
    assert report["verdicts"]["accuracy"] == 1.0 and report["verdicts"]["fever_score"] == 1.0
    assert report["models"]["verifier"] == "fake-nli"


def test_cli_oracle_writes_json_markdown_png_and_predictions(files, fakes, tmp_path):
    claims, _ = files
    md, png, pred = tmp_path / "out.md", tmp_path / "rel.png", tmp_path / "pred.jsonl"
    args = ["eval", str(claims), "--format", "jsonl", "--json", "--markdown", str(md), "--reliability", str(png),
            "--predictions", str(pred)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["mode"] == "oracle" and report["claims"] == 4
    assert report["verdicts"]["accuracy"] == 1.0 and report["verdicts"]["macro_f1"] == 1.0
    assert "| accuracy | 1.000 |" in md.read_text()
    assert png.read_bytes()[:4] == b"\x89PNG"
    rows = [json.loads(line) for line in pred.read_text().splitlines()]
    assert [r["verdict"] for r in rows] == ["SUPPORTED", "REFUTED", "SUPPORTED", "NOT_ENOUGH_INFO"]


def test_cli_retrieval_prints_retrievers_side_by_side(files, fakes, tmp_path):
    claims, corpus = files
    modes.ensure_index(read_jsonl(claims, corpus=corpus), tmp_path / "index", HashEmbedder())  # reused by the CLI
    args = ["eval", str(claims), "--format", "jsonl", "--mode", "retrieval", "--corpus", str(corpus),
            "--index", str(tmp_path / "index"), "--retriever", "bm25,hybrid", "--limit", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "| retriever | nDCG@10 | recall@10 | recall@100 | MRR |" in result.stdout
    assert re.search(r"\| bm25 \| 1\.000 \|", result.stdout) and "| hybrid |" in result.stdout
    assert "2 claims, 2 with gold evidence documents" in result.stdout


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--format", "jsonl", "--mode", "retrieval"], "pass --index DIR"),
        (["--format", "jsonl", "--mode", "retrieval", "--reliability", "x.png"], "--reliability needs verdicts"),
    ],
)
def test_cli_usage_errors_are_one_line(files, fakes, extra, message):
    claims, _ = files
    result = CliRunner().invoke(app, ["eval", str(claims), *extra])
    assert result.exit_code == 3
    assert result.output.strip().startswith("error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("extra, option", [
    (["--format", "csv"], "--format"),
    (["--format", "jsonl", "--mode", "guess"], "--mode"),
    (["--format", "scifact", "--retriever", "bm25,guess"], "--retriever"),
])
def test_cli_unknown_choices_are_usage_errors_naming_the_choices(files, extra, option):
    claims, _ = files
    result = CliRunner().invoke(app, ["eval", str(claims), *extra])
    assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output
    assert "retrieval" in result.output or "scifact" in result.output or "bm25" in result.output


def test_cli_missing_dataset_file(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "nope.jsonl"), "--format", "jsonl"])
    assert result.exit_code == 3 and "nope.jsonl: no such data-set file" in result.output


@pytest.mark.dataset
def test_bm25_retrieval_on_a_scifact_slice(data_dir, tmp_path):
    """Real claims and abstracts: 100 judged claims over their evidence abstracts plus 1,000 others."""
    from factcheck.eval.readers import read_scifact

    full = read_scifact(data_dir / "scifact" / "claims_train.jsonl")
    judged = [ex for ex in full.examples if ex.relevant][:100]
    keep = {d for ex in judged for d in ex.relevant} | {d.id for d in full.corpus[:1000]}
    data = Dataset("scifact", judged, [d for d in full.corpus if d.id in keep], full.sentences)
    report, _ = modes.evaluate(data, "retrieval", tmp_path / "index", retrievers=["bm25"], embedder=HashEmbedder())
    scores = report["retrieval"]["bm25"]
    assert report["judged_claims"] == 100 and report["corpus_documents"] == len(keep)
    assert scores["nDCG@10"] > 0.8 and scores["R@100"] > 0.95, scores  # 0.92 and 1.0 when written


def test_cli_open_mode_on_a_claim_set_reports_coverage(fakes, tmp_path):
    corpus = tmp_path / "texts"
    corpus.mkdir()
    for name, text in CORPUS.items():
        (corpus / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    claims = tmp_path / "set.jsonl"
    rows = [{"id": c["id"], "text": c["claim"], "label": c["label"],
             "reference": f"{corpus}/{c['evidence_ids'][0]}.txt" if "evidence_ids" in c else None} for c in CLAIMS]
    claims.write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ["eval", str(claims), "--format", "claims", "--mode", "open", "--corpus", str(corpus),
            "--index", str(tmp_path / "index"), "--retriever", "bm25"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "| verdict | precision | recall | F1 | support | coverage |" in result.stdout
    assert "| REFUTED | 1.000 | 1.000 | 1.000 | 1 | 0.250 |" in result.stdout
    assert "| FEVER score | 1.000 |" in result.stdout  # each verdict found in its reference document
    oracle = CliRunner().invoke(app, args[:4] + ["--corpus", str(corpus)])
    assert oracle.exit_code == 3 and "use --mode open" in oracle.output
