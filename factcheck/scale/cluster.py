"""Connecting to Ray: a local instance, or a cluster by address; Ray itself is an optional extra."""

from __future__ import annotations

import logging
import os
from typing import Any

from factcheck.errors import EXIT_USAGE, FactcheckError

__all__ = ["RAY_INSTALL", "RayMissing", "require_ray", "connect", "cluster_cpus", "factcheck_cause", "FORWARDED_ENV"]

RAY_INSTALL = "pip install 'factcheck[ray]'"
# Settings the workers must share with the driver (offline models, data and index locations).
FORWARDED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "FACTCHECK_DATA_DIR", "FACTCHECK_INDEX", "HF_HOME")


class RayMissing(FactcheckError):
    """--ray was asked for, but the optional Ray extra is not installed."""

    exit_code = EXIT_USAGE


def require_ray() -> Any:
    """Imports Ray, or raises RayMissing with the install command when it is not installed."""
    try:
        import ray
    except ImportError:
        raise RayMissing(f"--ray needs Ray, which is not installed; run: {RAY_INSTALL}") from None
    return ray


def connect(address: str | None = None) -> Any:
    """Joins Ray once per process: the cluster at `address` (or $RAY_ADDRESS), else a new local instance."""
    ray = require_ray()
    if ray.is_initialized():
        _quiet_data()
        return ray
    env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    try:
        ray.init(
            address=address or None,
            include_dashboard=False,
            logging_level=logging.ERROR,
            log_to_driver=False,
            runtime_env={"env_vars": env} if env else None,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or os.environ.get("RAY_ADDRESS") or "a local instance"
        raise FactcheckError(f"Ray at {where}: could not connect ({exc}); check --ray-address or start the cluster") from None
    _quiet_data()
    return ray


def _quiet_data() -> None:
    """Turns off Ray Data's progress bars and per-run log lines (factcheck shows its own progress)."""
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.ERROR)


def cluster_cpus() -> int:
    """The CPUs of the connected Ray cluster (at least 1)."""
    ray = require_ray()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def factcheck_cause(exc: BaseException) -> FactcheckError | None:
    """The FactcheckError a Ray worker raised, found inside Ray's wrapping exceptions (else None)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, FactcheckError):
            return current
        seen.add(id(current))
        current = getattr(current, "cause", None) or current.__cause__
    return None
