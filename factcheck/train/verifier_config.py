"""The verdict model's training recipe: one `TrainConfig` whose defaults reproduce the shipped model (v4),
read by `factcheck train verifier` for its option defaults and by `factcheck.train.verifier.run`.
Imports nothing heavy, so the CLI can read the defaults at import time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["TrainConfig", "Specialist", "SPECIALISTS", "STAGE_FIELDS", "model_version"]

# The fields of one training stage (recorded in the stage's train_config.json, which decides whether a
# finished stage can be reused); the others describe the stages after the first.
STAGE_FIELDS = ("epochs", "batch_size", "lr", "warmup", "max_length", "seed", "max_pairs", "budget_min",
                "weight_decay", "stop_after_min", "freeze_embeddings", "freeze_layers")


@dataclass
class TrainConfig:
    """Hyper-parameters of a training run (recorded in the run folder and the model card); the defaults
    reproduce the shipped verdict model v4 (`factcheck/models/verifier/MODEL_CARD.md`)."""

    # the first stage: every training pair
    epochs: int = 3
    batch_size: int = 16
    lr: float = 5e-5
    warmup: float = 0.06
    max_length: int = 128
    seed: int = 13
    max_pairs: int | None = None
    budget_min: float | None = None
    weight_decay: float = 0.01
    stop_after_min: float | None = None
    freeze_embeddings: bool = True
    freeze_layers: int = 0
    # the later stages, each trained from the one before at `stage_lr`
    repair_epochs: int = 1  # the repair (contrast) stage; 0 skips it
    replay: int = 4000  # training pairs replayed in the repair stage, against forgetting
    contrasts: tuple[str, ...] = ("entities", "negations")  # extra contrast kinds of the repair stage
    contrast_limit: int = 1000  # contrasts of each extra kind
    soup: bool = True  # the SPECIALISTS stages, averaged with the repaired model
    transfer: bool = False  # the nli-extra transfer stage (the v5 candidate, not shipped)
    stage_lr: float = 2e-5

    def __post_init__(self) -> None:
        self.contrasts = tuple(self.contrasts)

    def stage(self, epochs: int, lr: float | None = None) -> "TrainConfig":
        """The config of a later stage: `epochs` passes at `stage_lr` over its own pairs (no sampling, no budget)."""
        return dataclasses.replace(self, epochs=epochs, lr=self.stage_lr if lr is None else lr, max_pairs=None,
                                   budget_min=None, stop_after_min=None)

    def stage_dict(self) -> dict[str, Any]:
        """The hyper-parameters of one stage, as recorded in its train_config.json."""
        return {name: getattr(self, name) for name in STAGE_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """The whole recipe as a JSON-ready dict."""
        return {**dataclasses.asdict(self), "contrasts": list(self.contrasts)}


@dataclass(frozen=True)
class Specialist:
    """One specialist stage of `--soup`: trained from the repaired model, then averaged with it."""

    name: str  # as named in the run folder and the run info
    sources: tuple[str, ...]  # the training sources it learns
    repeat: int  # passes over those sources' pairs
    replay: int  # replayed pairs of the other sources, against forgetting
    numeric: bool  # whether the numeric repair pairs come along, so the numbers skill is not averaged away


SPECIALISTS = (
    Specialist("snli", ("snli",), repeat=1, replay=4000, numeric=True),
    Specialist("scifact", ("scifact", "scifact-nei"), repeat=2, replay=3000, numeric=False),
)


def model_version(transfer: bool) -> str:
    """The verdict model's version a recipe makes: 4 (shipped), or 5 with the transfer stage (the candidate)."""
    return "5" if transfer else "4"
