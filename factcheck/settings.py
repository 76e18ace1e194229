"""Where factcheck looks for things by default: data sets, the index, bundled models."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "default_index_dir", "limit_threads", "quiet_model_loading", "MODELS_DIR"]

MODELS_DIR = Path(__file__).resolve().parent / "models"


def data_dir() -> Path:
    """The public data sets folder: $FACTCHECK_DATA_DIR, else ../shared/data beside the repo."""
    env = os.environ.get("FACTCHECK_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def default_index_dir() -> Path:
    """The index folder used when --index is not given: $FACTCHECK_INDEX, else ./.factcheck/index."""
    return Path(os.environ.get("FACTCHECK_INDEX", ".factcheck/index"))


def limit_threads() -> int:
    """Sets the intra-op threads for query-time work to $FACTCHECK_THREADS (default: all cores) and returns it:
    torch's when it is loaded, else OMP_NUM_THREADS for when it loads (the int8 path never imports torch;
    onnxruntime reads $FACTCHECK_THREADS itself).

    On an idle 2-core machine two threads check claims 1.8x faster than one (docs/benchmarks.md); on a
    machine whose cores are busy with other work, extra threads oversubscribe them (one MiniLM query
    took 409 ms on 2 threads against 17 ms on 1 with five jobs running): set FACTCHECK_THREADS=1 there.
    """
    import sys

    threads = max(1, int(os.environ.get("FACTCHECK_THREADS", os.cpu_count() or 1)))
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    return threads


# The model libraries' loggers; their notices ("Loading weights", load reports, advisories) stay at errors.
_MODEL_LOGGERS = ("transformers", "sentence_transformers", "huggingface_hub", "safetensors")


def quiet_model_loading() -> None:
    """Silences what the model libraries print while loading a model: progress bars (huggingface_hub, which
    transformers follows), transformers' and sentence-transformers' notices and warnings; errors still show.
    The CLI calls it unless --verbose; it works before or after the libraries are imported."""
    import logging
    import sys

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    for name in _MODEL_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    if "transformers" in sys.modules:  # already imported: its logging was configured from the environment then
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
