"""The CLI's fixed choices as enums, so that typer lists them in --help and refuses anything else. Each
mirrors a tuple of the library (the library stays the source of truth; tests/test_cli_consistency.py checks that
they agree) without importing it, so `factcheck --help` stays light."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from factcheck.records import Verdict  # the library's own enum (records imports nothing heavy)

__all__ = ["SearchMode", "MatchMode", "EvalFormat", "EvalMode", "Verdict", "LogLevel", "comma_choices"]


class SearchMode(StrEnum):
    """factcheck.retrieve.MODES"""

    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"


class MatchMode(StrEnum):
    """factcheck.factchecks.matcher.MODES"""

    rerank = "rerank"
    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"


class EvalFormat(StrEnum):
    """factcheck.eval.readers.FORMATS"""

    scifact = "scifact"
    fever = "fever"
    climate_fever = "climate-fever"
    jsonl = "jsonl"
    claims = "claims"


class EvalMode(StrEnum):
    """factcheck.eval.modes.MODES"""

    oracle = "oracle"
    open = "open"
    retrieval = "retrieval"


class LogLevel(StrEnum):
    """uvicorn's log levels."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"


def comma_choices(choices: type[StrEnum]) -> dict[str, Any]:
    """typer.Option arguments for one or more of fixed choices, comma-separated (`--retriever bm25,hybrid`):
    --help shows them as the metavar, and anything else is refused as a usage error."""
    names = [c.value for c in choices]

    def parse(value: str | list[str]) -> list[str]:
        if isinstance(value, list):
            return value
        given = [v.strip() for v in str(value).split(",") if v.strip()]
        wrong = [v for v in given if v not in names] or ([] if given else [repr(value)])
        if wrong:
            raise typer.BadParameter(f"{', '.join(wrong)}: choose from {', '.join(names)} (comma-separated to compare several)")
        return given

    return {"parser": parse, "metavar": "[" + "|".join(names) + "][,...]"}
