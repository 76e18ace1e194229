"""Running the CLI as a separate process, optionally without root's power to ignore file permissions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Root ignores a folder's read-only mode through these capabilities; dropped, the mode binds as for any user.
_DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def cli_command(*args: object) -> list[str]:
    """The command line that runs `factcheck ARGS` with this interpreter."""
    return [sys.executable, "-c", "from factcheck.cli import main; main()", *map(str, args)]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: offline, one thread, no index folder from the caller."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "FACTCHECK_THREADS": "1"}
    env.pop("FACTCHECK_INDEX", None)
    return {**env, **extra}


def _unprivileged() -> list[str]:
    """The prefix that makes file permissions bind for the command (empty for a normal user)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made to bind")
    return _DROP


def run_cli(*args: object, unprivileged: bool = False, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs `factcheck ARGS` to completion; with `unprivileged`, file permissions bind even for root."""
    prefix = _unprivileged() if unprivileged else []
    return subprocess.run([*prefix, *cli_command(*args)], capture_output=True, text=True, timeout=timeout,
                          env=cli_env(), cwd=cwd)


def make_read_only(folder: Path) -> None:
    """Makes a folder read-only (r-x for everyone)."""
    folder.chmod(0o555)
