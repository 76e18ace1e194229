"""The Typer apps and the helpers every command module shares."""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable

import typer

from factcheck.errors import EXIT_INPUT, FactcheckError
from factcheck.quantized import Precision

__all__ = ["app", "train_app", "guarded", "echo_json", "renamed_option", "OFFLINE_HELP", "ALLOW_PRIVATE_HELP",
           "DEPRECATED_MODEL_OPT", "DEPRECATED_OUT_OPT", "PRECISION_OPT"]

OFFLINE_HELP = "Never touch the network: an http(s) address is refused with one line instead of fetched."
ALLOW_PRIVATE_HELP = ("Also fetch addresses on this machine or its network (loopback, private, link-local); "
                      "refused by default, so a URL cannot reach internal services.")

def _set_precision(value: Precision | None) -> None:
    """Makes every model this command loads use `value` (the loaders read $FACTCHECK_PRECISION)."""
    if value:
        os.environ["FACTCHECK_PRECISION"] = value.value


PRECISION_OPT = typer.Option(
    None, "--precision", expose_value=False, callback=_set_precision,
    help="Model precision: auto (int8 ONNX for the bundled models on a CPU, ~2x faster), int8, or fp32 (the "
         "unquantised models, for bit-for-bit the old numbers). Default: $FACTCHECK_PRECISION, else auto.",
)

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a pipeline's writer stopped by its reader

app = typer.Typer(
    name="factcheck",
    help="Check the factual claims in news articles against a reference corpus you indexed, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
train_app = typer.Typer(help="Train the project's own models.", no_args_is_help=True)
app.add_typer(train_app, name="train")


def _print_version(value: bool) -> None:
    if value:
        from factcheck import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
    ),
    verbose: bool = typer.Option(
        False, "--verbose", help="Show the model libraries' own messages (download and loading progress bars, warnings)."
    ),
) -> None:
    """Check the factual claims in news articles against a reference corpus you indexed, offline."""
    if not verbose:
        from factcheck.settings import quiet_model_loading

        quiet_model_loading()


# Old option names, kept working but hidden from --help; `renamed_option` says which name to use instead.
DEPRECATED_MODEL_OPT = typer.Option(None, "--model", hidden=True, help="Deprecated: use --verifier.")
DEPRECATED_OUT_OPT = typer.Option(None, "--out", hidden=True, help="Deprecated: use -o/--output.")


def renamed_option(old_value: Any, old_name: str, value: Any, name: str) -> Any:
    """The value of a renamed option: the old name's, with a warning on stderr, when it was given."""
    if old_value is None:
        return value
    typer.echo(f"warning: {old_name} is deprecated; use {name}", err=True)
    return old_value


def guarded(fn: Callable) -> Callable:
    """Turns expected errors (FactcheckError) into one line on stderr and the error's exit code; an OS error
    reading or writing a file (permissions, a full disk) into one line and exit 3."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FactcheckError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted; existing files were left as they were", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader of stdout went away (`factcheck search x | head -1`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:  # a file that vanished or turned read-only mid-run, a full disk: not a bug
            if exc.errno is None:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"error: {where}{exc.strerror}; existing files were left as they were", err=True)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper


def echo_json(data: Any) -> None:
    """Prints data as indented JSON on stdout (for --json)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
