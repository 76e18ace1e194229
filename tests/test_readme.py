"""The README's examples, as written there (typer tests its documentation the same way): every `factcheck`
command line parses against the CLI; the Python example and the "Using it" commands run on the demo corpus
in a scratch folder. Examples that need the network, the data sets or hours of training are exercised by
the tests named in NOT_RUN_HERE."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.records import VERDICTS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
runner = CliRunner()

# README commands run elsewhere, and why not here: (the start of the command line, the test that runs it)
NOT_RUN_HERE = {
    "factcheck index report.pdf": "tests/test_readers.py (PDF and DOCX reference documents)",
    "factcheck index brief.docx": "tests/test_readers.py (PDF and DOCX reference documents)",
    "factcheck index https://": "tests/test_web.py (a local web server; no network in tests)",
    "factcheck article https://": "tests/test_web.py (a local web server; no network in tests)",
    "factcheck extract http://127.0.0.1": "tests/test_web_addresses.py (a page on this machine: a local web server)",
    "factcheck eval ../shared/data": "tests/test_eval_modes.py and the dataset-marked tests (public data sets)",
    "factcheck eval claims/meaning-claims.jsonl": "tests/test_meaning_claims.py (the same command on the example claims)",
    "factcheck train": "tests marked `training` (retrains a model: minutes to hours)",
    "factcheck serve": "tests/test_serve_e2e.py (a live server on a free port)",
}


def code_blocks(text: str) -> list[str]:
    """The README's indented code blocks (four spaces, after a blank line), dedented."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.startswith("    ") or (current and not line.strip()):
            current.append(line[4:])
        elif current:
            blocks.append("\n".join(current).strip("\n"))
            current = []
    if current:
        blocks.append("\n".join(current).strip("\n"))
    return [b for b in blocks if b]


def command_lines() -> list[str]:
    """Every `factcheck ...` line of the README's code blocks, without its trailing comment."""
    lines = [line for block in code_blocks(README) for line in block.splitlines() if line.startswith("factcheck ")]
    return [re.split(r"\s{2,}#", line)[0].strip() for line in lines]


def python_example() -> str:
    """The README's Python example (the code block that imports factcheck)."""
    return next(b for b in code_blocks(README) if b.startswith("from factcheck"))


def test_the_readme_has_examples():
    commands = command_lines()
    assert len(commands) >= 20 and any(c.startswith("factcheck check ") for c in commands)
    assert "Checker.from_index" in python_example()


def _record_calls(group: typer.Typer, calls: list, monkeypatch) -> None:
    """Replaces every command of the app with a stand-in of the same signature that records its arguments."""
    for info in group.registered_commands:
        original = info.callback

        @functools.wraps(original)
        def record(*args, _name=original.__name__, **kwargs):
            calls.append((_name, kwargs))

        monkeypatch.setattr(info, "callback", record)
    for sub in group.registered_groups:
        _record_calls(sub.typer_instance, calls, monkeypatch)


@pytest.mark.parametrize("line", command_lines())
def test_every_readme_command_parses(line, monkeypatch):
    """Each example names a command and options that exist, with values of the right kind and choice."""
    calls: list = []
    _record_calls(app, calls, monkeypatch)
    result = runner.invoke(app, shlex.split(line)[1:])
    assert result.exit_code == 0, f"{line}\n{result.output}"
    assert len(calls) == 1, line


def _run(line: str):
    """Runs one README command line in the current folder; it must succeed."""
    result = runner.invoke(app, shlex.split(line)[1:])
    assert result.exit_code == 0, f"{line}\n{result.output}"
    return result


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A folder with the demo corpus, the example files and the README's placeholder inputs."""
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    shutil.copytree(REPO / "claims", tmp_path / "claims")
    article = (REPO / "claims" / "example-article.md").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>\n" for p in article.split("\n\n") if p.strip() and not p.startswith("#"))
    (tmp_path / "article.html").write_text(f"<html><body><article>{paragraphs}</article></body></html>", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("FACTCHECK_INDEX", "FACTCHECK_FACTCHECKS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.slow
def test_readme_python_example_runs(scratch):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(python_example(), "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert len(lines) >= 3
    for line in lines:  # `print(result.verdict, result.confidence, result.claim.text)`
        verdict, confidence, text = line.split(" ", 2)
        assert verdict in VERDICTS and 0.0 < float(confidence) < 1.0 and text
    assert "SUPPORTED" in {line.split(" ", 1)[0] for line in lines}
    assert (scratch / ".factcheck" / "index" / "manifest.json").is_file()


@pytest.mark.slow
def test_readme_commands_run_on_the_demo(scratch):
    """The README's "Using it" and "fact-checked before" commands, in the README's order, as written."""
    commands = [c for c in command_lines() if not any(c.startswith(skip) for skip in NOT_RUN_HERE)]
    first_review = next(i for i, c in enumerate(commands) if c.startswith("factcheck review merge"))
    outputs: dict[str, str] = {}
    for i, line in enumerate(commands):
        if i == first_review:  # the sidecar the notebook writes: one reviewer decision
            report = json.loads((scratch / "report.jsonl").read_text().splitlines()[0])
            _run(f"factcheck review decide report.jsonl {report['claim']['id']} --verdict REFUTED --note checked")
        outputs[line] = _run(line).output
    ran = " ".join(commands)
    for name in ("index", "search", "info", "extract", "check", "article", "review merge", "verify",
                 "factchecks add", "match", "factchecks info"):
        assert f"factcheck {name} " in ran + " ", name
    one_claim = outputs['factcheck check "The Caesar Act took effect in 2020."']
    assert one_claim.split(" ", 1)[0] in VERDICTS and "The Caesar Act took effect in 2020." in one_claim
    claims = [json.loads(line) for line in (scratch / "claims.jsonl").read_text().splitlines()]
    report = [json.loads(line) for line in (scratch / "report.jsonl").read_text().splitlines()]
    assert claims and report and all(r["verdict"] in VERDICTS for r in report)
    assert (scratch / "report.html").read_text().lower().startswith("<!doctype html>")
    reviewed = [json.loads(line) for line in (scratch / "reviewed.jsonl").read_text().splitlines()]
    assert any(r.get("review", {}).get("verdict") == "REFUTED" for r in reviewed)
    matches = [json.loads(line) for line in (scratch / "matches.jsonl").read_text().splitlines()]
    assert [m["id"] for m in matches] == [c["id"] for c in claims]
