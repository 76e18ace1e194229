"""The int8 ONNX encoders: they agree with the fp32 models within tolerances, load without torch, are chosen by
--precision, and an index records the precision its vectors were made at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.errors import InputError, ModelError
from factcheck.quantized import EMBEDDER_INT8_DIR, VERIFIER_ONNX_DIR, onnx_available, resolve_precision

SENTENCES = [
    "The unemployment rate fell to 3.9 percent in April.",
    "Measles cases rose sharply in 2019 after vaccination rates dropped.",
    "The team won the championship for the third year in a row.",
    "Mars has two small moons, Phobos and Deimos.",
    "The bill passed the Senate by a vote of 68 to 32.",
]
PAIRS = [
    ("The unemployment rate fell to 3.9 percent in April.", "Unemployment went down in April."),
    ("The unemployment rate fell to 3.9 percent in April.", "Unemployment rose in April."),
    ("Mars has two small moons, Phobos and Deimos.", "Mars has no moons."),
    ("Mars has two small moons, Phobos and Deimos.", "Mars is the fourth planet from the Sun."),
    ("The bill passed the Senate by a vote of 68 to 32.", "The Senate approved the bill."),
]


@pytest.fixture(autouse=True)
def _default_precision(monkeypatch):
    # set through monkeypatch, so that what a CLI call's --precision sets in this process is undone afterwards
    monkeypatch.setenv("FACTCHECK_PRECISION", "auto")


def test_bundled_onnx_models_are_installed_and_up_to_date():
    from factcheck.verify.nli import BUNDLED_DIR

    name = json.loads((BUNDLED_DIR / "calibration.json").read_text())["name"]
    assert onnx_available(EMBEDDER_INT8_DIR, "all-MiniLM-L6-v2")
    assert onnx_available(VERIFIER_ONNX_DIR, name), "the ONNX verdict model is stale: run factcheck train quantize"
    for folder in (EMBEDDER_INT8_DIR, VERIFIER_ONNX_DIR):
        assert sum(f.stat().st_size for f in folder.iterdir()) < 50 * 1024 * 1024


def test_precision_resolution(monkeypatch):
    assert resolve_precision(None, EMBEDDER_INT8_DIR, "m") == "int8"
    assert resolve_precision("fp32", EMBEDDER_INT8_DIR, "m") == "fp32"
    assert resolve_precision(None, None, "other-model") == "fp32"  # auto: no int8 copy, fp32
    monkeypatch.setenv("FACTCHECK_PRECISION", "fp32")
    assert resolve_precision(None, EMBEDDER_INT8_DIR, "m") == "fp32"
    with pytest.raises(ModelError, match="no int8 version"):
        resolve_precision("int8", None, "other-model")
    with pytest.raises(InputError, match="use one of auto, int8, fp32"):
        resolve_precision("int4", EMBEDDER_INT8_DIR, "m")


def test_stale_int8_copy_is_not_used(tmp_path):
    folder = tmp_path / "verifier-int8"
    folder.mkdir()
    for name in ("model-int8.onnx", "tokenizer.json"):
        (folder / name).write_bytes(b"x")
    (folder / "quantization.json").write_text(json.dumps({"source": "factcheck-nli-minilm-l6-v3"}))
    assert resolve_precision(None, folder, "bundled", "factcheck-nli-minilm-l6-v4") == "fp32"
    with pytest.raises(ModelError, match="made from 'factcheck-nli-minilm-l6-v3'.*factcheck train quantize"):
        resolve_precision("int8", folder, "bundled", "factcheck-nli-minilm-l6-v4")


@pytest.mark.slow
def test_int8_embedder_agrees_with_fp32():
    from factcheck.embed import load_embedder

    int8, fp32 = load_embedder(), load_embedder(precision="fp32")
    assert (int8.precision, fp32.precision) == ("int8", "fp32")
    a, b = int8.encode(SENTENCES), fp32.encode(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(1).min() > 0.98
    # neighbours stay neighbours: each sentence is closest to itself across precisions
    assert ((a @ b.T).argmax(1) == np.arange(len(SENTENCES))).all()
    assert np.array_equal(int8.encode(SENTENCES[2:3]), a[2:3])  # the same alone as in a batch
    assert int8.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_onnx_verifier_gives_the_torch_models_probabilities():
    from factcheck.verify import load_verifier

    onnx, torch_model = load_verifier(), load_verifier(precision="fp32")
    assert type(onnx).__name__ == "OnnxVerifier" and type(torch_model).__name__ == "NLIVerifier"
    assert onnx.name == torch_model.name and onnx.precision == "fp32"
    p, q = onnx.predict(PAIRS), torch_model.predict(PAIRS)
    assert p.shape == (len(PAIRS), 3) and np.allclose(p.sum(1), 1.0, atol=1e-5)
    assert np.abs(p - q).max() < 1e-4  # the same arithmetic: the same verdicts
    assert onnx.verdict_calibration is not None  # shares the torch model's verdict calibration
    assert onnx.predict([]).shape == (0, 3)


@pytest.mark.slow
def test_int8_verifier_is_built_on_request_and_agrees_with_fp32(tmp_path):
    from factcheck.train.quantize import build_verifier
    from factcheck.verify.nli import OnnxVerifier, load_bundled

    build_verifier(tmp_path / "verifier-int8", quantize=True)
    meta = json.loads((tmp_path / "verifier-int8" / "quantization.json").read_text())
    assert meta["precision"] == "int8" and meta["recipe"]["weights"] == "int8 per channel"
    int8, fp32 = OnnxVerifier(tmp_path / "verifier-int8"), load_bundled(precision="fp32")
    assert int8.name == f"{fp32.name}-int8"
    p, q = int8.predict(PAIRS), fp32.predict(PAIRS)
    top2 = np.sort(q, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 0.2  # where fp32 is not itself near a tie, int8 gives its label
    assert clear.sum() >= 3 and (p.argmax(1) == q.argmax(1))[clear].all()
    assert np.abs(p - q).max() < 0.3
    assert np.array_equal(int8.predict(PAIRS[1:2]), p[1:2])  # the same alone as in a batch


@pytest.mark.slow
def test_int8_path_imports_no_torch():
    code = (
        "import sys\n"
        "from factcheck.embed import load_embedder\n"
        "from factcheck.verify import load_verifier\n"
        "load_embedder().encode(['The Senate passed the bill.'])\n"
        "load_verifier().predict([('The Senate passed the bill.', 'The bill passed.')])\n"
        "print(','.join(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_int8_verifier_that_was_not_built_is_a_clear_error(tmp_path):
    from factcheck.quantized import VERIFIER_INT8_DIR
    from factcheck.verify import load_verifier

    with pytest.raises(ModelError, match="no int8 version"):
        load_verifier(str(tmp_path), precision="int8")
    if not VERIFIER_INT8_DIR.exists():
        with pytest.raises(ModelError, match="factcheck train quantize --part verifier-int8"):
            load_verifier("bundled", precision="int8")


@pytest.mark.slow
def test_index_records_precision_and_reindexing_at_another_precision_re_embeds(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(" ".join(SENTENCES), encoding="utf-8")
    index = tmp_path / "index"
    runner = CliRunner()
    first = runner.invoke(app, ["index", str(docs), "--index", str(index), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads((index / "manifest.json").read_text())["precision"] == "int8"
    same = runner.invoke(app, ["index", str(docs), "--index", str(index), "--json"])
    assert json.loads(same.output)["embedded"] == 0  # same precision: vectors reused
    other = runner.invoke(app, ["index", str(docs), "--index", str(index), "--precision", "fp32", "--json"])
    assert other.exit_code == 0, other.output
    assert json.loads(other.output)["embedded"] > 0
    assert json.loads((index / "manifest.json").read_text())["precision"] == "fp32"
    monkeypatch.setenv("FACTCHECK_PRECISION", "auto")  # the option above set fp32 for this process
    # an fp32 index is searched with int8 queries (the default): the measured nDCG loss allows it
    hits = runner.invoke(app, ["search", "Mars moons", "--index", str(index), "--json"])
    assert hits.exit_code == 0, hits.output
    assert "Phobos" in hits.output
    # an index from before int8 existed has no precision in its manifest: its vectors are fp32
    manifest = json.loads((index / "manifest.json").read_text())
    del manifest["precision"]
    (index / "manifest.json").write_text(json.dumps(manifest))
    from factcheck.index import open_index

    with open_index(index) as opened:
        assert opened.precision == "fp32" and opened.info()["precision"] == "fp32"


def test_precision_option_is_validated():
    result = CliRunner().invoke(app, ["check", "x", "--precision", "int4"])
    assert result.exit_code == 2
    assert "int4" in result.output


def test_train_quantize_help_names_the_onnx_copies():
    result = CliRunner().invoke(app, ["train", "quantize", "--help"])
    assert result.exit_code == 0 and "--part" in result.output


@pytest.mark.slow
def test_fine_tuned_checkworthiness_member_gets_torch_layers_from_an_onnx_embedder():
    from factcheck.claims.finetuned import encoder_parts
    from factcheck.embed import OnnxEmbedder, ReusingEmbedder

    auto, tokenizer = encoder_parts(ReusingEmbedder(OnnxEmbedder()))
    assert len(auto.encoder.layer) == 6 and tokenizer("a claim")["input_ids"][0] == tokenizer.cls_token_id
