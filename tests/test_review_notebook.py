"""notebooks/review.ipynb runs headless (nbclient) on a small report and shows its table, charts and evidence."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from review_fixtures import write_fixture_report

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "review.ipynb"
KERNEL = "factcheck-test"


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """A kernelspec that runs this interpreter (the project's venv), found through JUPYTER_PATH."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return tmp_path


def _run(tmp_path: Path, monkeypatch, labels: bool) -> list[dict]:
    report = write_fixture_report(tmp_path / "report.jsonl", labels=labels)
    monkeypatch.setenv("FACTCHECK_REPORT", str(report))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name=KERNEL, timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


def _html(outputs: list[dict]) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)


def test_notebook_runs_headless_and_shows_table_charts_and_evidence(kernel_env, monkeypatch):
    outputs = _run(kernel_env, monkeypatch, labels=True)
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "4 claims in" in text and "0 reviewed so far" in text
    html = _html(outputs)
    assert "<table" in html and "Ned Price" in html and "check_worthiness" in html  # the itables table
    assert "injectModule" in html and not re.search(r"<script[^>]*src=|from\s+['\"]https?:", html)  # offline JS
    assert '"topEnd": "search"' in html
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4  # verdicts, confidence, scatter, reliability
    assert "<mark>500000</mark>" in html  # the static evidence view
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)  # the browser
    assert not (kernel_env / "report.jsonl.decisions.jsonl").exists()  # running it saves nothing


def test_notebook_without_gold_labels_skips_the_reliability_diagram(kernel_env, monkeypatch):
    outputs = _run(kernel_env, monkeypatch, labels=False)
    assert not [o for o in outputs if o.output_type == "error"]
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 3
    assert "no reliability diagram" in "".join(o.get("text", "") for o in outputs)
