"""`factcheck index`, `search` and `info` through typer's CliRunner (hash embedder, no model loads)."""

from __future__ import annotations

import json

import pytest
from index_fakes import HashEmbedder, write_corpus
from typer.testing import CliRunner

from factcheck.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch):
    """Every embedder name loads the hash embedder under that name."""
    import factcheck.embed

    monkeypatch.setattr(factcheck.embed, "load_embedder", lambda name="all-MiniLM-L6-v2", device=None, precision=None: HashEmbedder(name))


@pytest.fixture
def indexed(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    folder = tmp_path / "index"
    result = runner.invoke(app, ["index", str(corpus), "--index", str(folder)])
    assert result.exit_code == 0, result.output
    return corpus, folder, result


def test_index_prints_counts_and_reindex_is_incremental(indexed):
    corpus, folder, first = indexed
    assert "indexed 3 documents" in first.stdout and "3 added" in first.stdout
    (corpus / "new.md").write_text("# New\n\nIdlib province.", encoding="utf-8")
    (corpus / "image.txt").write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["index", str(corpus), "--index", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["added"], stats["unchanged"], stats["removed"], stats["embedded"]) == (1, 3, 0, 1)
    assert stats["skipped"][0]["path"].endswith("image.txt")
    assert "warning: skipped" in result.stderr and "binary" in result.stderr


def test_search_prints_ranked_passages(indexed):
    _, folder, _ = indexed
    result = runner.invoke(app, ["search", "readmit Syria Arab League", "--index", str(folder), "-k", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1. Arab League.")
    assert "league.txt [" in result.stdout and "rrf" in result.stdout and "2. " in result.stdout
    assert "readmit" in result.stdout


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_search_json(indexed, mode):
    _, folder, _ = indexed
    args = ["search", "defence ministers Moscow", "--index", str(folder), "--mode", mode, "--json", "-k", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert "Moscow" in hit["passage"]["text"] and hit["rank"] == 1
    assert hit["title"] == "Turkey and Syria" and hit["source"].endswith("turkey.md")
    assert hit["passage"]["end"] > hit["passage"]["start"] >= 0


def test_info_text_and_json(indexed):
    _, folder, _ = indexed
    text = runner.invoke(app, ["info", "--index", str(folder)])
    assert text.exit_code == 0, text.output
    assert "documents:     3" in text.stdout and "embedder:      all-MiniLM-L6-v2 (dim 64" in text.stdout
    data = json.loads(runner.invoke(app, ["info", "--index", str(folder), "--json"]).stdout)
    assert data["counts"]["documents"] == 3 and data["faiss"]["type"] == "flat" and data["path"] == str(folder)


def test_default_index_folder_comes_from_the_environment(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("FACTCHECK_INDEX", str(tmp_path / "env-index"))
    assert runner.invoke(app, ["index", str(corpus)]).exit_code == 0
    assert (tmp_path / "env-index" / "manifest.json").is_file()
    assert runner.invoke(app, ["search", "Caesar", "--mode", "bm25"]).exit_code == 0


def _error(result, code, *parts):
    assert result.exit_code == code, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: "), result.stderr
    for part in parts:
        assert part in line, line


def test_cli_errors_exit_non_zero_with_one_line(tmp_path, indexed):
    _, folder, _ = indexed
    before = (folder / "manifest.json").read_text()
    _error(runner.invoke(app, ["index", str(tmp_path / "missing"), "--index", str(folder)]), 3, "missing", "no such file")
    empty = tmp_path / "empty"
    empty.mkdir()
    _error(runner.invoke(app, ["index", str(empty), "--index", str(folder)]), 3, "no readable documents")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "ok"}\n{oops\n', encoding="utf-8")
    _error(runner.invoke(app, ["index", str(bad), "--index", str(folder)]), 3, "bad.jsonl:2")
    assert (folder / "manifest.json").read_text() == before  # nothing existing was lost
    _error(runner.invoke(app, ["search", "x", "--index", str(tmp_path / "none")]), 4, "no index here", "factcheck index")
    _error(runner.invoke(app, ["info", "--index", str(tmp_path / "none")]), 4, "no index here")
    _error(runner.invoke(app, ["search", "x", "--index", str(folder), "--embedder", "other"]), 4, "--embedder")
    fuzzy = runner.invoke(app, ["search", "x", "--index", str(folder), "--mode", "fuzzy"])
    assert fuzzy.exit_code == 2 and "Invalid value for '--mode'" in fuzzy.output and "'fuzzy' is not one of" in fuzzy.output
    _error(runner.invoke(app, ["search", " ", "--index", str(folder)]), 3, "empty search query")
    _error(runner.invoke(app, ["index", str(tmp_path / "corpus"), "--index", str(tmp_path / "x"), "--faiss", "Nope"]), 3, "FAISS")
    (folder / "manifest.json").write_text("{broken")
    _error(runner.invoke(app, ["search", "x", "--index", str(folder)]), 4, "unreadable manifest", f"--index {folder}")
    _error(runner.invoke(app, ["info", "--index", str(folder)]), 4, "unreadable manifest")
    rebuilt = runner.invoke(app, ["index", str(tmp_path / "corpus"), "--index", str(folder)])
    assert rebuilt.exit_code == 0 and "warning: rebuilding from scratch" in rebuilt.stderr
    assert runner.invoke(app, ["search", "Caesar", "--index", str(folder)]).exit_code == 0
