"""The verifier interface: registry, label order from the model config, the bundled model."""

import json
import subprocess
import sys

import numpy as np
import pytest

from factcheck.errors import ModelError
from factcheck.records import STANCES
from factcheck.verify import VERIFIERS, load_verifier, register_verifier
from factcheck.verify.nli import BUNDLED_DIR, stance_columns

from _verify_fixtures import make_tiny_model


def test_stance_columns_follow_the_config():
    assert stance_columns({0: "contradiction", 1: "entailment", 2: "neutral"}) == [1, 0, 2]
    assert stance_columns({"0": "ENTAILMENT", "1": "NEUTRAL", "2": "CONTRADICTION"}) == [0, 2, 1]
    assert stance_columns({0: "SUPPORTS", 1: "REFUTES", 2: "NOT ENOUGH INFO"}) == [0, 1, 2]
    with pytest.raises(ModelError, match="do not name"):
        stance_columns({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, "some/model")


def test_importing_verify_is_light():
    code = "import sys, factcheck.verify; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_registry_builds_by_name():
    class Constant:
        name = "constant-v0"

        def __init__(self, device=None):
            self.device = device

        def predict(self, pairs, batch_size=32):
            return np.tile([0.2, 0.3, 0.5], (len(pairs), 1))

    register_verifier("constant", Constant)
    try:
        verifier = load_verifier("constant", device="cpu")
        assert verifier.name == "constant-v0" and verifier.device == "cpu"
        assert verifier.predict([("a", "b")]).shape == (1, 3)
    finally:
        VERIFIERS.pop("constant")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A tiny random BERT NLI model whose config orders labels contradiction, entailment, neutral."""
    return make_tiny_model(tmp_path_factory.mktemp("tiny-nli"))


def test_hf_model_columns_are_reordered_to_stances(tiny_model):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    verifier = load_verifier(str(tiny_model))
    assert verifier.columns == [1, 0, 2] and verifier.name == str(tiny_model)
    pairs = [("A man is playing a guitar.", "A person plays music."), ("Short.", "A much longer hypothesis sentence here.")]
    probs = verifier.predict(pairs, batch_size=1)
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    raw = AutoModelForSequenceClassification.from_pretrained(tiny_model).eval()
    tok = AutoTokenizer.from_pretrained(tiny_model)
    with torch.no_grad():
        logits = raw(**tok([p for p, _ in pairs], [h for _, h in pairs], padding=True, return_tensors="pt")).logits
    expected = torch.softmax(logits, dim=1).numpy()[:, [1, 0, 2]]  # entailment, contradiction, neutral
    assert np.allclose(probs, expected, atol=1e-5)


def test_temperature_from_calibration_json(tiny_model, tmp_path):
    import shutil

    folder = tmp_path / "m"
    shutil.copytree(tiny_model, folder)
    (folder / "calibration.json").write_text(json.dumps({"name": "tiny-v9", "temperature": 100.0, "max_length": 64}))
    verifier = load_verifier(str(folder))
    assert verifier.name == "tiny-v9" and verifier.max_length == 64
    assert np.allclose(verifier.predict([("a b", "c d")]), 1 / 3, atol=0.01)  # a huge temperature flattens


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no such model folder"):
        load_verifier(str(tmp_path / "nothing-here"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="could not be loaded"):
        load_verifier(str(tmp_path / "empty"))


needs_bundled = pytest.mark.skipif(not (BUNDLED_DIR / "config.json").is_file(),
                                   reason=f"the bundled verifier is not built yet ({BUNDLED_DIR}); run `factcheck train verifier --install`")


@pytest.fixture(scope="module")
def bundled():
    return load_verifier()


@pytest.mark.slow
@needs_bundled
def test_bundled_model_is_small_calibrated_and_named():
    size = sum(f.stat().st_size for f in BUNDLED_DIR.iterdir())
    assert size <= 50e6
    meta = json.loads((BUNDLED_DIR / "calibration.json").read_text())
    assert meta["temperature"] > 0 and meta["stances"] == list(STANCES)
    assert (BUNDLED_DIR / "MODEL_CARD.md").is_file()
    verdicts = json.loads((BUNDLED_DIR / "verdict_calibration.json").read_text())
    assert verdicts["verifier"] == meta["name"]  # refit after every retrain: `factcheck train verdict-confidence`
    assert verdicts["held_out"]["all"]["ece_after"] < verdicts["held_out"]["all"]["ece_before"]


@pytest.mark.slow
@needs_bundled
def test_bundled_model_gets_obvious_pairs_right(bundled, monkeypatch):
    meta = json.loads((BUNDLED_DIR / "calibration.json").read_text())
    # reports name the model that made them: the loaded name is the versioned one its card and calibration record
    # (the int8 copy that runs by default on a CPU says so: "<name>-int8")
    base = bundled.name.removesuffix("-int8")
    assert base == meta["name"] and base.endswith(f"-v{meta['version']}")
    assert bundled.name == meta["name"] + ("-int8" if getattr(bundled, "precision", "fp32") == "int8" else "")
    assert (BUNDLED_DIR / "MODEL_CARD.md").read_text(encoding="utf-8").startswith(f"# {base}:")
    pairs = [
        ("The Eiffel Tower is a wrought-iron tower in Paris , France .", "The Eiffel Tower is in France."),
        ("The Eiffel Tower is a wrought-iron tower in Paris , France .", "The Eiffel Tower is in Berlin."),
        ("The Eiffel Tower is a wrought-iron tower in Paris , France .", "Bananas are rich in potassium."),
        ("The company was founded in 1998 and employs 55,000 people .", "The company was founded in 1998."),
        ("The company was founded in 1998 and employs 55,000 people .", "The company was founded in 1975."),
    ]
    probs = bundled.predict(pairs)
    assert probs.shape == (5, 3) and np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    got = [STANCES[i] for i in probs.argmax(axis=1)]
    assert got == ["entailment", "contradiction", "neutral", "entailment", "contradiction"]
    assert bundled.predict([]).shape == (0, 3)


@pytest.mark.slow
@needs_bundled
def test_cli_verify_with_the_bundled_model():
    from typer.testing import CliRunner

    from factcheck.cli import app

    result = CliRunner().invoke(app, ["verify", "The Eiffel Tower is a wrought-iron tower in Paris , France .",
                                      "The Eiffel Tower is in Berlin.", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stance"] == "contradiction" and data["model"].startswith("factcheck-nli-minilm-l6-v")
