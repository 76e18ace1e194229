"""Model cards as Markdown templates (`train/templates/*.md`) filled with `string.Template` from a training
run's recorded data, as sentence-transformers renders its model cards."""

from __future__ import annotations

from pathlib import Path
from string import Template

__all__ = ["fill_template", "TEMPLATES", "UNKNOWN"]

TEMPLATES = Path(__file__).parent / "templates"
UNKNOWN = "?"  # what a card shows for a value the run did not record


def fill_template(template: str, /, **values: object) -> str:
    """The Markdown template `templates/<template>` with its `$placeholders` filled; a placeholder the values
    do not name raises KeyError, so a template and its renderer cannot drift apart unnoticed."""
    return Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)
