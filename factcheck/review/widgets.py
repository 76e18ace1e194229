"""The notebook's claim browser: pick a claim, read its evidence, save a decision (ipywidgets)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from factcheck.errors import FactcheckError, InputError
from factcheck.records import VERDICTS, CheckResult
from factcheck.review.decisions import latest_decisions, read_decisions, save_decision
from factcheck.review.highlight import evidence_html
from factcheck.review.loading import find_result

__all__ = ["ClaimBrowser", "claim_browser"]


@dataclass
class ClaimBrowser:
    """The widgets of the browser; `box` is what the notebook displays."""

    results: Sequence[CheckResult]
    decisions_path: Path
    pick: Any  # Dropdown of claims
    evidence: Any  # HTML: the selected claim's evidence
    verdict: Any  # Dropdown of verdicts (defaults to the machine verdict)
    note: Any  # Textarea
    reviewer: Any  # Text
    save: Any  # Button
    status: Any  # HTML: last decision, or the outcome of Save
    box: Any

    def current(self) -> CheckResult:
        """The selected claim's result."""
        return find_result(list(self.results), self.pick.value)

    def show(self, *_: Any) -> None:
        """Shows the selected claim's evidence and its last saved decision."""
        result = self.current()
        self.evidence.value = evidence_html(result)
        self.verdict.value = result.verdict
        self.note.value = ""
        last = latest_decisions(read_decisions(self.decisions_path, missing_ok=True)).get(result.claim.id)
        self.status.value = ("not reviewed yet" if last is None else
                             html.escape(f"last decision: {last.decision} → {last.verdict or result.verdict}"
                                         f" by {last.reviewer or '?'} at {last.time}"))

    def on_save(self, *_: Any) -> None:
        """Appends the form's decision to the sidecar: accept if the verdict is the machine's, else override."""
        result = self.current()
        decision = "accept" if self.verdict.value == result.verdict else "override"
        try:
            saved = save_decision(self.decisions_path, result.claim.id, decision, self.verdict.value,
                                  self.note.value, self.reviewer.value)
        except (FactcheckError, OSError) as exc:
            self.status.value = f'<span style="color:#d1495b">not saved: {html.escape(str(exc))}</span>'
            return
        self.status.value = html.escape(f"saved: {saved.decision} → {saved.verdict} ({self.decisions_path})")


def claim_browser(results: Sequence[CheckResult], decisions_path: str | Path, selected: str | None = None,
                  reviewer: str = "") -> ClaimBrowser:
    """Builds the browser over a report's results; decisions are appended to `decisions_path`."""
    try:
        import ipywidgets as w
    except ImportError:
        raise InputError('the review browser needs ipywidgets: pip install -e ".[notebook]"') from None
    if not results:
        raise InputError("the report has no claims")
    selected = find_result(list(results), selected).claim.id
    options = [(f"{r.claim.id} · {r.verdict} · {r.claim.text[:70]}", r.claim.id) for r in results]
    wide = w.Layout(width="95%")
    browser = ClaimBrowser(
        results=results, decisions_path=Path(decisions_path),
        pick=w.Dropdown(options=options, value=selected, description="Claim", layout=wide),
        evidence=w.HTML(), verdict=w.Dropdown(options=list(VERDICTS), description="Verdict"),
        note=w.Textarea(description="Note", placeholder="why (optional)", layout=wide),
        reviewer=w.Text(value=reviewer, description="Reviewer"),
        save=w.Button(description="Save decision", button_style="primary"), status=w.HTML(), box=None)
    browser.box = w.VBox([browser.pick, browser.evidence, w.HBox([browser.verdict, browser.reviewer]),
                          browser.note, w.HBox([browser.save, browser.status])])
    browser.pick.observe(browser.show, names="value")
    browser.save.on_click(browser.on_save)
    browser.show()
    return browser
