"""CLI commands for this stage (registered on the shared Typer app)."""

from factcheck.cli.common import app, train_app  # noqa: F401
