"""One way to spell each option: --verifier for the verdict model, -o/--output for what a command writes,
choices that typer lists and validates; old names still work, hidden and with a warning; model loading is
quiet unless --verbose."""

from __future__ import annotations

import inspect
import json
import subprocess

import pytest
import typer
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.cli import choices
from cli_helpers import cli_command, cli_env

runner = CliRunner()


def _commands(group: typer.Typer = app, prefix: tuple[str, ...] = ()):
    """Every command of the app: (its words, its function)."""
    for info in group.registered_commands:
        yield (*prefix, info.name or info.callback.__name__.replace("_", "-")), info.callback
    for sub in group.registered_groups:
        yield from _commands(sub.typer_instance, (*prefix, sub.name))


def _options(fn) -> dict[str, tuple[str, ...]]:
    """A command function's options: parameter name -> its flags."""
    out = {}
    for name, p in inspect.signature(fn).parameters.items():
        info = p.default
        if isinstance(info, typer.models.OptionInfo):
            out[name] = tuple(info.param_decls or ())
    return out


def test_every_verdict_model_option_is_spelled_verifier():
    for words, fn in _commands():
        for name, flags in _options(fn).items():
            if name == "verifier":
                assert flags == ("--verifier",), words
            else:
                assert "--verifier" not in flags, words
            if "--model" in flags:  # only the deprecated alias remains, hidden
                assert inspect.signature(fn).parameters[name].default.hidden, words


def test_every_output_file_option_is_o_output():
    for words, fn in _commands():
        for name, flags in _options(fn).items():
            if name == "output":
                assert set(flags) == {"-o", "--output"}, words
            if "--out" in flags:
                assert inspect.signature(fn).parameters[name].default.hidden, words


@pytest.mark.parametrize("words", [("verify",), ("train", "verdict-confidence"), ("train", "verifier"),
                                   ("train", "claim-matcher"), ("train", "checkworthiness")])
def test_deprecated_names_are_hidden_from_help(words):
    result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--model " not in result.output and "--out " not in result.output
    assert "--verifier" in result.output or "--output" in result.output


def test_verify_takes_verifier_and_the_old_model_name_with_a_warning(tmp_path):
    new = runner.invoke(app, ["verify", "Some evidence.", "A claim.", "--verifier", str(tmp_path / "nope")])
    old = runner.invoke(app, ["verify", "Some evidence.", "A claim.", "--model", str(tmp_path / "nope")])
    assert new.exit_code == old.exit_code == 5 and "no such model folder" in new.output
    assert "warning: --model is deprecated; use --verifier" in old.stderr
    assert "deprecated" not in new.stderr


def test_cli_choices_mirror_the_library():
    from factcheck.eval.modes import MODES as EVAL_MODES
    from factcheck.eval.readers import READERS
    from factcheck.factchecks.matcher import MODES as MATCH_MODES
    from factcheck.records import VERDICTS
    from factcheck.retrieve import MODES as SEARCH_MODES

    pairs = [(choices.SearchMode, SEARCH_MODES), (choices.MatchMode, MATCH_MODES), (choices.EvalMode, EVAL_MODES),
             (choices.EvalFormat, tuple(READERS)), (choices.Verdict, VERDICTS)]
    for enum, library in pairs:
        assert tuple(c.value for c in enum) == tuple(library), enum.__name__


@pytest.mark.parametrize("words, option, shown", [
    (("search",), "--mode", "hybrid|dense|bm25"),
    (("match",), "--mode", "rerank|hybrid|dense|bm25"),
    (("eval",), "--format", "scifact|fever|climate-fever|jsonl|claims"),
    (("eval",), "--retriever", "[hybrid|dense|bm25][,...]"),
    (("review", "decide"), "--verdict", "SUPPORTED|REFUTED|NOT_ENOUGH_INFO|CONFLICTING"),
    (("serve",), "--log-level", "critical|error|warning|info|debug"),
])
def test_choices_are_listed_in_help(words, option, shown):
    result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if f"{option} " in line)
    assert shown.lower() in line.lower()


def test_article_takes_ray_like_check():
    for words in (("check",), ("article",)):
        result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
        assert all(flag in result.output for flag in ("--ray ", "--ray-address", "--ray-actors")), words


@pytest.mark.slow
def test_model_loading_is_quiet_unless_verbose(tmp_path):
    """The embedder's 'Loading weights' progress bar (transformers, so the torch model: --precision fp32) shows
    only with --verbose; the command's own progress and result lines are the same either way."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The Caesar Act took effect in June 2020.", encoding="utf-8")
    # what an earlier in-process CLI call set for the libraries must not leak into these fresh processes
    env = {k: v for k, v in cli_env().items() if k not in ("HF_HUB_DISABLE_PROGRESS_BARS", "TRANSFORMERS_VERBOSITY",
                                                           "TRANSFORMERS_NO_ADVISORY_WARNINGS")}

    def run(*args):
        return subprocess.run(cli_command(*args), capture_output=True, text=True, timeout=300, env=env)

    quiet = run("index", corpus, "--index", tmp_path / "quiet", "--json", "--precision", "fp32")
    verbose = run("--verbose", "index", corpus, "--index", tmp_path / "verbose", "--json", "--precision", "fp32")
    assert quiet.returncode == verbose.returncode == 0, quiet.stderr + verbose.stderr
    assert "Loading weights" in verbose.stderr
    assert "Loading weights" not in quiet.stderr and "warn" not in quiet.stderr.lower()
    assert json.loads(quiet.stdout)["added"] == json.loads(verbose.stdout)["added"] == 1
