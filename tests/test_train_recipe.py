"""The verdict model's training recipe has one source of truth (TrainConfig): the CLI's defaults, `run()` and
the shipped model card's command agree; the card renders from its template and recorded run data; training
outputs are written atomically. Nothing here trains: the stages are replaced by recording fakes."""

from __future__ import annotations

import inspect
import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.cli.verify_cmds import train_verifier
from factcheck.settings import MODELS_DIR
from factcheck.textio import atomic_dir
from factcheck.train.cards import fill_template
from factcheck.train.verifier_card import render_card, verdict_confidence_section
from factcheck.train.verifier_config import SPECIALISTS, TrainConfig

runner = CliRunner()
SHIPPED_CARD = MODELS_DIR / "verifier" / "MODEL_CARD.md"
TESTS = Path(__file__).parent


def _cli_defaults() -> dict:
    """The default of each `factcheck train verifier` option, by parameter name."""
    return {name: p.default.default for name, p in inspect.signature(train_verifier).parameters.items()}


def test_cli_defaults_are_the_train_config_defaults():
    defaults, recipe = _cli_defaults(), TrainConfig()
    shared = [name for name in defaults if hasattr(recipe, name)]
    assert {"epochs", "replay", "contrasts", "soup", "transfer", "repair_epochs", "contrast_limit", "seed"} <= set(shared)
    for name in shared:
        expected = ",".join(recipe.contrasts) if name == "contrasts" else getattr(recipe, name)
        assert defaults[name] == expected, name


def test_the_defaults_are_the_shipped_model_v4_recipe():
    """What the shipped card records: 3 epochs, a repair stage with entity and negation contrasts, a soup."""
    card = SHIPPED_CARD.read_text(encoding="utf-8")
    recipe = TrainConfig()
    assert "factcheck-nli-minilm-l6-v4" in card
    assert f"Seed {recipe.seed} (random, numpy, torch); {recipe.epochs} epochs, batch {recipe.batch_size}," in card
    assert f"AdamW lr {recipe.lr}, weight decay {recipe.weight_decay}, linear warm-up {recipe.warmup}," in card
    assert f"repair stage: {recipe.repair_epochs} epoch at lr {recipe.stage_lr}" in card
    assert "also entities and negations contrasts" in card and recipe.contrasts == ("entities", "negations")
    assert all(f"{s.name} (" in card for s in SPECIALISTS) and recipe.soup and not recipe.transfer


class _Recorder:
    """Stands in for the training stages: records each stage's folder and config, trains nothing."""

    def __init__(self, monkeypatch):
        import factcheck.train.verifier as verifier
        import factcheck.train.verifier_data as data
        import factcheck.train.verifier_eval as evaluation

        self.stages: dict[str, TrainConfig] = {}
        self.contrast_args: tuple = ()
        self.finalized: dict = {}
        monkeypatch.setattr(data, "build_splits", lambda data_dir, seed=13: {"train": []})
        monkeypatch.setattr(data, "source_counts", lambda data_dir: {"snli_dev": 9842})
        monkeypatch.setattr(verifier, "train", self.train)
        monkeypatch.setattr(verifier, "run_info", lambda out, pairs=None, command="": {"command": command})
        monkeypatch.setattr(verifier, "contrast_stage", self.contrast_stage)
        monkeypatch.setattr(verifier, "specialist_set", lambda pairs, stage, rng: [stage.name])
        monkeypatch.setattr(verifier, "average_weights", lambda members, dest: dest)
        monkeypatch.setattr(evaluation, "finalize", self.finalize)
        monkeypatch.setattr(evaluation, "install", lambda model_dir: Path("installed"))

    def train(self, pairs, out, cfg, base="all-MiniLM-L6-v2"):
        self.stages[out.name] = cfg
        return out / f"epoch-{cfg.epochs}"

    def contrast_stage(self, train_pairs, cfg, replay, contrasts=(), contrast_limit=1000):
        self.contrast_args = (replay, tuple(contrasts), contrast_limit)
        return ["contrast pair"]

    def finalize(self, checkpoint, model_dir, data_dir, seed=13, train_info=None, snli_limit=None, version="4"):
        self.finalized = {"checkpoint": checkpoint, "version": version, "info": train_info}
        return {"scores": {}, "train": train_info}


def test_run_follows_the_config(monkeypatch, tmp_path):
    from factcheck.train.verifier import run

    fake = _Recorder(monkeypatch)
    run(tmp_path, tmp_path / "run")  # no config: the shipped recipe
    assert list(fake.stages) == ["run", "repair", *(s.name for s in SPECIALISTS)]
    assert fake.stages["run"].stage_dict() == TrainConfig().stage_dict()
    assert fake.stages["repair"].epochs == 1 and fake.stages["repair"].lr == TrainConfig().stage_lr
    assert fake.contrast_args == (4000, ("entities", "negations"), 1000)
    assert fake.finalized["version"] == "4" and fake.finalized["checkpoint"] == tmp_path / "run" / "soup"
    assert fake.finalized["info"]["recipe"]["replay"] == 4000 and fake.finalized["info"]["data"] == {"snli_dev": 9842}

    fake = _Recorder(monkeypatch)
    run(tmp_path, tmp_path / "small", TrainConfig(epochs=1, repair_epochs=0, soup=False, replay=10))
    assert list(fake.stages) == ["small"] and fake.contrast_args == ()
    assert fake.finalized["checkpoint"] == tmp_path / "small" / "epoch-1"


def test_the_shipped_cards_command_still_runs_the_shipped_recipe(monkeypatch, tmp_path):
    """The command in the v4 card (with its old --out) gives TrainConfig's defaults, the same as no options."""
    import torch

    import factcheck.train.verifier as verifier

    card = SHIPPED_CARD.read_text(encoding="utf-8")
    command = shlex.split(re.search(r"- Command: `(factcheck train verifier [^`]*)`", card).group(1))
    (tmp_path / "nli").mkdir()
    (tmp_path / "nli" / "snli_dev.jsonl").write_text("")
    seen = []
    monkeypatch.setattr(verifier, "run", lambda data, out, cfg, **kw: seen.append((out, cfg, kw)) or {"scores": {}})
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)
    results = [runner.invoke(app, [*args, "--data-dir", str(tmp_path)])
               for args in (command[1:], ["train", "verifier", "-o", str(tmp_path / "run")])]
    assert [r.exit_code for r in results] == [0, 0], [r.output for r in results]
    (card_out, card_cfg, card_kw), (_, plain_cfg, _) = seen
    assert card_cfg == plain_cfg == TrainConfig()
    assert card_out == Path("runs/verifier-v4") and card_kw["install_model"] is True
    assert "warning: --out is deprecated; use -o/--output" in results[0].stderr and not results[1].stderr


def _v4_report() -> tuple[dict, dict]:
    """The recorded data of the v4 run, as scores.json holds it (tests/data/verifier_v4_run.json)."""
    report = json.loads((TESTS / "data" / "verifier_v4_run.json").read_text(encoding="utf-8"))
    meta = {"name": "factcheck-nli-minilm-l6-v4", "max_length": 128, "stances": ["entailment", "contradiction", "neutral"]}
    return report, meta


def test_card_renders_from_recorded_run_data_as_shipped():
    """Every line of the shipped v4 card (before its later verdict-confidence section) that describes the run
    comes back from the template filled with the run's recorded data."""
    report, meta = _v4_report()
    card = render_card(report, meta)
    shipped = SHIPPED_CARD.read_text(encoding="utf-8").split("## Verdict confidence")[0]
    lines = [line for line in shipped.splitlines() if "scifact_dev" not in line]  # its target changed since
    missing = [line for line in lines if line not in card.splitlines()]
    assert missing == []
    assert "| SNLI dev (9,842 pairs) |" in card and "| FEVER NLI dev binary pairs (13,332) |" in card


def test_card_counts_come_from_the_run_not_the_template():
    report, meta = _v4_report()
    report["train"]["data"]["snli_dev"] = 123
    report["train"]["config"]["epochs"] = 7
    report["scores"]["nei_dev"]["accuracy"] = 0.75
    card = render_card(report, meta)
    assert "SNLI dev (123 pairs)" in card and "; 7 epochs, batch 16," in card and "calls\n25% of passages" in card
    del report["train"]["data"]
    assert "SNLI dev (? pairs)" in render_card(report, meta)  # not recorded: shown as unknown, not made up


def test_verdict_confidence_section_names_the_corpus_size():
    held = {"claims": 10, "accuracy": 0.5, "ece_before": 0.2, "ece_after": 0.1}
    info = {"held_out": {"all": held}, "fitted_on": {"claims": 10}, "scifact_abstracts": 5183, "date": "2026-11-30"}
    section = verdict_confidence_section(info)
    assert "over the 5,183 SciFact abstracts" in section and "| all | 10 | 0.500 | 0.200 | **0.100** |" in section


def test_template_placeholders_must_all_be_filled():
    with pytest.raises(KeyError):
        fill_template("verifier_benchmarks.md", heading="## Verdict model")


def test_atomic_dir_swaps_a_finished_folder_and_keeps_the_old_one_on_failure(tmp_path):
    dest = tmp_path / "model"
    with atomic_dir(dest) as building:
        (building / "weights").write_text("v1")
        assert not dest.exists()  # nothing visible until the block succeeds
    assert (dest / "weights").read_text() == "v1"
    with pytest.raises(RuntimeError), atomic_dir(dest) as building:
        (building / "weights").write_text("half")
        raise RuntimeError("killed mid-write")
    assert (dest / "weights").read_text() == "v1"
    with atomic_dir(dest) as building:
        (building / "weights").write_text("v2")
    assert (dest / "weights").read_text() == "v2" and sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_split_fractions_are_defined_once():
    import factcheck.train.verdicts as verdicts
    import factcheck.train.verifier_data as data

    assert verdicts.FEVER_DEV is data.FEVER_DEV and verdicts.SCIFACT_DEV is data.SCIFACT_DEV


def test_card_and_evaluation_do_not_import_the_training_module():
    """The old cycle verifier -> verifier_eval -> verifier_card -> verifier is gone: SPECIALISTS and the
    recipe live in verifier_config, which imports nothing of the package."""
    import factcheck.train

    folder = Path(factcheck.train.__file__).parent
    for module in ("verifier_card", "verifier_eval", "verifier_config"):
        source = (folder / f"{module}.py").read_text(encoding="utf-8")
        assert "factcheck.train.verifier import" not in source, module
    assert "from factcheck" not in (folder / "verifier_config.py").read_text(encoding="utf-8")


def test_other_cards_render_from_their_templates_as_shipped():
    """The check-worthiness and claim-matcher cards come from templates filled with what the model folder
    records (config.json, reranker.json): the shipped card, word for word."""
    from factcheck.factchecks.features import Reranker
    from factcheck.train import checkworthiness, claim_matcher

    folder = MODELS_DIR / "checkworthiness"
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert checkworthiness.model_card(config) == (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    folder = MODELS_DIR / "claim-matcher"
    card = claim_matcher.model_card(Reranker.load(folder / "reranker.json"))
    assert card == (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
