"""Bad input, one case per row of docs/bad-input.md: each runs the CLI on a prepared folder and must exit with
its code and one `error:` line (no traceback, no file changed). The table is generated from these cases;
regenerate it with `FACTCHECK_UPDATE_DOCS=1 pytest tests/test_bad_input.py`."""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from cli_helpers import make_read_only, run_cli
from index_fakes import HashEmbedder, write_corpus
from typer.testing import CliRunner

from factcheck.cli import app

pytestmark = pytest.mark.slow  # one case loads sentence-transformers to find the index's embedder missing

runner = CliRunner()
DOC = Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"
ARTICLE = "# Syria\n\nThe war in Syria killed more than 500,000 people, the monitor said on Monday.\n"


@dataclass
class Case:
    """One bad input: what the user did, how to set it up in a fresh folder, the command, the expected result."""

    what: str
    args: list[str]
    code: int
    expect: str  # a fragment of the error line
    setup: Callable[[Path], None] = lambda folder: None
    unprivileged: bool = False  # needs a real permission check (runs as user nobody when the tests run as root)
    group: str = "input files"
    keep: list[str] = field(default_factory=list)  # files that must be unchanged afterwards


def _write(name: str, data: str | bytes) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return setup


def _both(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        for step in setups:
            step(folder)
    return setup


def _index(folder: Path) -> None:
    """A valid index in `index/`, built with the bundled embedder's name (hash vectors, no model)."""
    from factcheck.index import build_index

    build_index([write_corpus(folder / "corpus")], folder / "index", embedder=HashEmbedder("all-MiniLM-L6-v2"))


def _foreign_index(folder: Path) -> None:
    from factcheck.index import build_index

    build_index([write_corpus(folder / "corpus")], folder / "index", embedder=HashEmbedder("my-org/private-embedder"))


def _damage(name: str, how: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        _index(folder)
        generation = next((folder / "index").glob("gen-*"))
        path = folder / "index" / name if name == "manifest.json" else generation / name
        data = bytearray(path.read_bytes())
        if how == "garbage":
            data[len(data) // 2 : len(data) // 2 + 64] = bytes(range(64))
        elif how == "truncate":
            data = data[: len(data) // 2]
        else:
            data = bytearray(b"{broken")
        path.write_bytes(bytes(data))
    return setup


def _read_only(name: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / name).mkdir(exist_ok=True)
        make_read_only(folder / name)
    return setup


ARTICLE_FILE = _write("a.md", ARTICLE)
CLAIMS_FILE = _write("c.jsonl", '{"id": "c1", "text": "The war killed 500,000 people."}\n')
LONG_CLAIM = json.dumps({"id": "c1", "text": "The war killed many people " * 100})

CASES = [
    Case("article file missing", ["extract", "missing.md"], 3, "no such file"),
    Case("article file empty", ["extract", "a.md"], 3, "the article is empty", _write("a.md", "")),
    Case("binary file", ["extract", "a.txt"], 3, "looks like a binary file", _write("a.txt", b"\x00\x01\x02data")),
    Case("PDF saved as .txt", ["extract", "a.txt"], 3, "is a PDF document", _write("a.txt", b"%PDF-1.4\n1 0 obj\n%%EOF\n")),
    Case("DOCX passed as article", ["article", "a.md"], 3, "is a ZIP archive", _write("a.md", b"PK\x03\x04word/document.xml")),
    Case("Latin-1 text", ["extract", "a.txt"], 3, "not valid UTF-8", _write("a.txt", "Café in Zürich.".encode("latin-1"))),
    Case("article over 2 MB", ["extract", "a.txt"], 3, "over the 2 MB limit", _write("a.txt", "Words. " * 400_000)),
    Case("HTML page without text", ["extract", "a.html"], 3, "no article text found",
         _write("a.html", "<html><body><script>x()</script></body></html>")),
    Case("claim in quotes empty", ["check", " "], 3, "the claim is empty", group="claims"),
    Case("claim over 2,000 characters", ["check", "The war killed many people " * 100], 3, "over the 2,000 limit", group="claims"),
    Case("claims line not JSON", ["check", "--claims", "c.jsonl"], 3, "c.jsonl:1: not valid JSON",
         _write("c.jsonl", "{oops\n"), group="claims"),
    Case("claims line without text", ["check", "--claims", "c.jsonl"], 3, "c.jsonl:1: a claim needs",
         _write("c.jsonl", '{"id": "c1"}\n'), group="claims"),
    Case("claim id repeated", ["check", "--claims", "c.jsonl"], 3, "c.jsonl:2: claim id 'c1' appears twice",
         _write("c.jsonl", '{"id": "c1", "text": "A."}\n{"id": "c1", "text": "B."}\n'), group="claims"),
    Case("claims line over 2,000 characters", ["check", "--claims", "c.jsonl"], 3, "c.jsonl:1: the claim has",
         _write("c.jsonl", LONG_CLAIM + "\n"), group="claims"),
    Case("claims file empty", ["check", "--claims", "c.jsonl"], 3, "no claims in the file", _write("c.jsonl", "\n"),
         group="claims"),
    Case("-o is the claims file", ["check", "--claims", "c.jsonl", "-o", "c.jsonl"], 3, "is also the input file",
         CLAIMS_FILE, group="outputs", keep=["c.jsonl"]),
    Case("--html is the article", ["article", "a.md", "--html", "a.md"], 3, "is also the input file", ARTICLE_FILE,
         group="outputs", keep=["a.md"]),
    Case("-o names a folder", ["check", "--claims", "c.jsonl", "-o", "out"], 3, "is a folder",
         _both(CLAIMS_FILE, lambda f: (f / "out").mkdir()), group="outputs"),
    Case("two outputs name one file", ["article", "a.md", "-o", "r.out", "--markdown", "r.out"], 3,
         "writes the same file", ARTICLE_FILE, group="outputs"),
    Case("-o in a read-only folder", ["check", "A claim.", "-o", "ro/r.jsonl"], 3, "is not writable",
         _read_only("ro"), unprivileged=True, group="outputs"),
    Case("corpus path missing", ["index", "nowhere", "--index", "index"], 3, "no such file or folder", group="corpus"),
    Case("corpus without readable documents", ["index", "corpus", "--index", "index"], 3, "no readable documents",
         _write("corpus/image.txt", b"\x00\x01"), group="corpus"),
    Case("corpus JSONL line not JSON", ["index", "c.jsonl", "--index", "index"], 3, "c.jsonl:1: not valid JSON",
         _write("c.jsonl", "{oops\n"), group="corpus"),
    Case("corpus JSONL line without text", ["index", "c.jsonl", "--index", "index"], 3, "c.jsonl:1: missing text",
         _write("c.jsonl", '{"id": "a"}\n'), group="corpus"),
    Case("corpus JSONL date not a string", ["index", "c.jsonl", "--index", "index"], 3, "'date' must be a string",
         _write("c.jsonl", '{"id": "a", "text": "T.", "date": {"year": 2020}}\n'), group="corpus"),
    Case("corpus JSONL url not a string", ["index", "c.jsonl", "--index", "index"], 3, "'url' must be a string",
         _write("c.jsonl", '{"id": "a", "text": "T.", "url": ["https://a.org"]}\n'), group="corpus"),
    Case("--index folder holds other files", ["index", "corpus", "--index", "u"], 3, "folder holds other files",
         _both(lambda f: write_corpus(f / "corpus"), _write("u/gen-2023-photos/beach.txt", "holiday")), group="corpus",
         keep=["u/gen-2023-photos/beach.txt"]),
    Case("--index is a file", ["index", "corpus", "--index", "c.jsonl"], 3, "is a file, expected a folder",
         _both(lambda f: write_corpus(f / "corpus"), CLAIMS_FILE), group="corpus"),
    Case("--index folder read-only", ["index", "corpus", "--index", "index"], 4, "not writable",
         _both(_index, lambda f: make_read_only(f / "index")), unprivileged=True, group="index"),
    Case("no index", ["search", "Syria", "--index", "index"], 4, "no index here", group="index"),
    Case("manifest damaged", ["search", "Syria", "--index", "index"], 4, "unreadable manifest",
         _damage("manifest.json", "broken"), group="index"),
    Case("index file truncated", ["search", "Syria", "--mode", "bm25", "--index", "index"], 4, "truncated or changed",
         _damage("vectors.npy", "truncate"), group="index"),
    Case("bytes changed inside store.sqlite", ["search", "Syria", "--mode", "bm25", "--index", "index"], 4,
         "does not match its checksum", _damage("store.sqlite", "garbage"), group="index"),
    Case("verdict model not found", ["check", "A claim.", "--index", "index", "--verifier", "./no-such-model"], 5,
         "no such model folder", _index, group="index"),
    Case("index built with an embedder not installed here", ["search", "Syria", "--index", "index"], 4,
         "index built with embedder 'my-org/private-embedder', which is not installed here", _foreign_index,
         group="index"),
]


def _run(case: Case, folder: Path, monkeypatch) -> tuple[int, str]:
    """Runs a case in its folder; returns (exit code, stderr)."""
    monkeypatch.chdir(folder)
    if case.unprivileged:
        result = run_cli(*case.args, unprivileged=True, cwd=folder)
        return result.returncode, result.stderr
    result = runner.invoke(app, case.args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr, stderr
    return lines[0]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """Every case run once: what → (exit code, error line with the case folder left out)."""
    found = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for number, case in enumerate(CASES):
            folder = tmp_path_factory.mktemp(f"case{number}")
            case.setup(folder)
            kept = {name: (folder / name).read_bytes() for name in case.keep}
            code, stderr = _run(case, folder, monkeypatch)
            line = _error_line(stderr)
            for name, data in kept.items():
                assert (folder / name).read_bytes() == data, (case.what, name)
            found[case.what] = code, line.replace(f"{folder.resolve()}/", "").replace(f"{folder}/", "")
            if (folder / "index").is_dir():
                (folder / "index").chmod(0o755)  # let pytest remove it
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.what for c in CASES])
def test_bad_input_gives_its_exit_code_and_one_error_line(case, outcomes):
    code, line = outcomes[case.what]
    assert code == case.code, (case.what, line)
    assert case.expect in line, (case.what, line)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(outcomes: dict[str, tuple[int, str]]) -> str:
    """docs/bad-input.md, generated from CASES and what the CLI printed for each."""
    lines = [
        "# Bad input: what to expect",
        "",
        "Every row is a case of `tests/test_bad_input.py`, run against the CLI; the message is what it printed",
        "(paths relative to the folder the case ran in). Exit codes: 3 bad input file or output path, 4 missing,",
        "corrupted or incompatible index, 5 a model could not be loaded. No case changes an existing file.",
        "Regenerate with `FACTCHECK_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_bad_input.py`.",
    ]
    group = None
    for case in CASES:
        if case.group != group:
            group = case.group
            lines += ["", f"## {group.capitalize()}", "", "| input | command | exit | message |", "|---|---|---|---|"]
        code, line = outcomes[case.what]
        command = " ".join(shlex.quote(a if len(a) < 40 else a[:20].strip() + "…") for a in case.args)
        lines.append(f"| {_cell(case.what)} | `factcheck {_cell(command)}` | {code} | {_cell(line.removeprefix('error: '))} |")
    return "\n".join(lines) + "\n"


def test_the_bad_input_table_in_docs_is_current(outcomes):
    text = table(outcomes)
    if os.environ.get("FACTCHECK_UPDATE_DOCS") == "1":
        DOC.write_text(text, encoding="utf-8")
    assert DOC.is_file() and DOC.read_text(encoding="utf-8") == text, (
        "docs/bad-input.md is out of date; regenerate it with FACTCHECK_UPDATE_DOCS=1 pytest tests/test_bad_input.py"
    )


def test_messages_name_no_temporary_folder(outcomes):
    for code, line in outcomes.values():
        assert not re.search(r"/tmp/|pytest-", line), line
