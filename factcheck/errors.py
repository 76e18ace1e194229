"""Errors that the CLI turns into one clear line and a non-zero exit code."""

__all__ = [
    "FactcheckError",
    "InputError",
    "IndexError_",
    "ModelError",
    "EXIT_OK",
    "EXIT_ERROR",
    "EXIT_USAGE",
    "EXIT_INPUT",
    "EXIT_INDEX",
    "EXIT_MODEL",
]

EXIT_OK = 0
EXIT_ERROR = 1  # unexpected failure (a bug)
EXIT_USAGE = 2  # bad command-line usage (typer/click's own code)
EXIT_INPUT = 3  # bad input file: missing, empty, binary, malformed
EXIT_INDEX = 4  # missing, corrupted or incompatible index
EXIT_MODEL = 5  # a model could not be loaded


class FactcheckError(Exception):
    """An expected error: the message says what was wrong, where, and how to fix it."""

    exit_code = EXIT_ERROR


class InputError(FactcheckError):
    """A user-supplied file or value is missing, empty, binary or malformed."""

    exit_code = EXIT_INPUT


class IndexError_(FactcheckError):
    """The index folder is missing, corrupted, partial, or built with another embedder."""

    exit_code = EXIT_INDEX


class ModelError(FactcheckError):
    """A model (embedder, check-worthiness or verdict model) could not be loaded."""

    exit_code = EXIT_MODEL
