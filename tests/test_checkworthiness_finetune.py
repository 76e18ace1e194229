"""The fine-tuned check-worthiness member: per-epoch samples and weights, and its int8 ONNX export scored
without torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from factcheck.train.checkworthiness_finetune import epoch_sample


def _labels():
    rng = np.random.RandomState(0)
    return {"claimbuster": (rng.rand(400) < 0.25).astype(int), "debates": (np.arange(3000) % 100 == 0).astype(int),
            "tweets": (rng.rand(80) < 0.35).astype(int)}


def _by_source(rows, weights):
    totals = {}
    for (name, _row), w in zip(rows, weights):
        totals[name] = totals.get(name, 0.0) + w
    return totals


def test_each_source_weighs_its_share_with_both_classes_equal():
    labels, shares = _labels(), {"claimbuster": 1.0, "debates": 1.0, "tweets": 0.2}
    rows, weights = epoch_sample(labels, shares, {"debates": 500}, epoch=0, seed=13)
    assert np.isclose(weights.mean(), 1.0)
    totals = _by_source(rows, weights)
    assert np.isclose(totals["claimbuster"], totals["debates"]) and np.isclose(totals["tweets"], 0.2 * totals["debates"])
    for name in labels:
        positive = sum(w for (n, r), w in zip(rows, weights) if n == name and labels[n][r] == 1)
        assert np.isclose(positive, totals[name] / 2), name


def test_debates_negatives_are_sampled_anew_each_epoch_and_positives_kept():
    labels, shares = _labels(), {"claimbuster": 1.0, "debates": 1.0, "tweets": 0.2}
    first, _ = epoch_sample(labels, shares, {"debates": 500}, epoch=0, seed=13)
    second, _ = epoch_sample(labels, shares, {"debates": 500}, epoch=1, seed=13)
    again, _ = epoch_sample(labels, shares, {"debates": 500}, epoch=0, seed=13)
    debates = [{r for n, r in rows if n == "debates"} for rows in (first, second)]
    assert len(debates[0]) == 500 + labels["debates"].sum()  # every positive, 500 negatives
    assert debates[0] != debates[1] and first == again
    assert sum(n == "claimbuster" for n, _r in first) == 400  # sources not named keep every sentence


@pytest.fixture(scope="module")
def member_model(tmp_path_factory, embedder):
    """A model folder with one fine-tuned member (top layers as loaded, a fixed head) exported as int8 ONNX, and
    the torch layers it was made from."""
    pytest.importorskip("onnx")
    import torch

    from factcheck.claims.finetuned import TopLayers, encoder_parts
    from factcheck.train.checkworthiness_finetune import FINETUNE_SPEC, export_member

    torch.manual_seed(0)
    auto, tokenizer = encoder_parts(embedder)
    top = TopLayers(auto, FINETUNE_SPEC["start_layer"])
    torch.nn.init.normal_(top.head.weight, std=0.05)
    folder = tmp_path_factory.mktemp("cw-member")
    export_member(top, embedder, folder / FINETUNE_SPEC["folder"], FINETUNE_SPEC)
    member = {k: v for k, v in FINETUNE_SPEC.items()}
    (folder / "config.json").write_text(json.dumps({"version": 2, "threshold": 0.5, "embedder": "all-MiniLM-L6-v2",
                                                    "members": [member]}))
    np.savez(folder / "weights.npz", unused=np.zeros(1, dtype=np.float32))
    return folder, top.probabilities(auto, tokenizer, TEXTS)


TEXTS = ["Unemployment fell to 3.5 percent in 2019.", "Thank you very much, it is great to be here tonight.",
         "The bill would cut taxes for 90 percent of families.", "What do you make of that?"]


@pytest.mark.slow
def test_exported_member_scores_like_its_torch_layers(member_model, embedder):
    from factcheck.claims.checkworthy import CheckworthinessModel

    folder, torch_probs = member_model
    assert (folder / "finetuned" / "model-int8.onnx").stat().st_size < 30_000_000
    model = CheckworthinessModel.load(folder, embedder=embedder)
    probs = model.probabilities(TEXTS, [None] * len(TEXTS))
    assert np.abs(probs - torch_probs).max() < 0.05, (probs, torch_probs)  # int8 against fp32
    assert np.argsort(probs).tolist() == np.argsort(torch_probs).tolist()


@pytest.mark.slow
def test_scoring_with_the_onnx_member_imports_no_torch(member_model):
    folder, _ = member_model
    code = ("import sys; from factcheck.claims.checkworthy import CheckworthinessModel; "
            f"m = CheckworthinessModel.load({str(folder)!r}); p = m.probabilities(['Taxes rose 3 percent.'], [None]); "
            "assert 0 < p[0] < 1; assert 'torch' not in sys.modules, 'torch imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.slow
def test_fine_tuning_writes_epoch_checkpoints_and_a_rerun_resumes(tmp_path, embedder):
    import torch

    from factcheck.train.checkworthiness_finetune import FINETUNE_SPEC, finetune_member

    texts = {"claimbuster": ["Taxes rose 3 percent last year.", "Thank you, good night.", "We built 200 schools.",
                             "I love this crowd."] * 4,
             "debates": ["The deficit doubled since 2010.", "Let me finish.", "Okay.", "Go ahead, please."] * 4}
    labels = {name: np.array([1, 0, 1, 0] * 4) if name == "claimbuster" else np.array([1, 0, 0, 0] * 4)
              for name in texts}
    spec = {**FINETUNE_SPEC, "epochs": 1, "batch_size": 8, "negatives": {"debates": 6}}
    shares, logged = {"claimbuster": 1.0, "debates": 1.0}, []
    first = finetune_member(texts, labels, shares, embedder, spec, 13, tmp_path, lambda items, _d: items, logged.append)
    assert len(list(tmp_path.glob("finetune-*/epoch-1/state.pt"))) == 1
    again = finetune_member(texts, labels, shares, embedder, spec, 13, tmp_path, lambda items, _d: items, logged.append)
    assert any("resumed after epoch 1" in line for line in logged)
    assert all(torch.equal(a, b) for a, b in zip(first.head.state_dict().values(), again.head.state_dict().values()))
