"""CLI commands of the verify stage: `factcheck verify` (one pair), `factcheck train verifier` and
`factcheck train verdict-confidence`."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from factcheck.cli.common import (DEPRECATED_MODEL_OPT, DEPRECATED_OUT_OPT, PRECISION_OPT, app, echo_json, guarded,
                                  renamed_option, train_app)
from factcheck.quantized import Precision
from factcheck.train.verifier_config import TrainConfig
from factcheck.train.verifier_data import CONTRAST_KINDS
from factcheck.train.verifier_eval import HELD_OUT

__all__ = ["verify", "train_verifier", "train_verdict_confidence"]


_RECIPE = TrainConfig()  # the shipped model's recipe: every training option's default comes from it
_DATA_DIR_HELP = "Data sets folder (default: $FACTCHECK_DATA_DIR, else ../shared/data)."


@app.command()
@guarded
def verify(
    evidence: str = typer.Argument(..., help="The evidence text (premise)."),
    claim: str = typer.Argument(..., help="The claim to check against it (hypothesis)."),
    verifier: str = typer.Option("bundled", "--verifier", help="Verdict model: 'bundled', a model folder, or a Hugging Face NLI model name."),
    model: Optional[str] = DEPRECATED_MODEL_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the stance and probabilities as JSON."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Say whether the evidence entails, contradicts or is neutral to the claim (calibrated probabilities)."""
    from factcheck.errors import InputError
    from factcheck.records import STANCES
    from factcheck.verify import load_verifier
    from factcheck.verify.aggregate import stance_of

    verifier = renamed_option(model, "--model", verifier, "--verifier")
    if not evidence.strip() or not claim.strip():
        raise InputError("verify: the evidence and the claim must both be non-empty text")
    loaded = load_verifier(verifier)
    probs = [round(float(p), 4) for p in loaded.predict([(evidence, claim)])[0]]
    stance = stance_of(probs)
    if as_json:
        echo_json({"model": loaded.name, "stance": stance, "probabilities": dict(zip(STANCES, probs))})
        return
    typer.echo(f"{stance}  " + "  ".join(f"{s} {p:.3f}" for s, p in zip(STANCES, probs)) + f"  [{loaded.name}]")


@train_app.command("verifier")
@guarded
def train_verifier(
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Run folder (default: runs/verifier-<time>)."),
    out: Optional[Path] = DEPRECATED_OUT_OPT,
    epochs: int = typer.Option(_RECIPE.epochs, "--epochs", min=1, help="Passes over the training pairs."),
    max_pairs: Optional[int] = typer.Option(_RECIPE.max_pairs, "--max-pairs", min=16, help="Train on at most this many pairs (sampled; SciFact and numeric pairs always kept)."),
    budget_min: Optional[float] = typer.Option(_RECIPE.budget_min, "--budget-min", help="Measure pairs/s first and cap the pairs so training fits in this many minutes."),
    seed: int = typer.Option(_RECIPE.seed, "--seed", help="Random seed (data splits, sampling, torch)."),
    threads: int = typer.Option(1, "--threads", min=1, help="CPU threads for torch (1 is fastest on a busy machine)."),
    repair_epochs: int = typer.Option(_RECIPE.repair_epochs, "--repair-epochs", min=0, help="Epochs of the repair stage (numeric and other contrasts with their originals + replay); 0 skips it."),
    replay: int = typer.Option(_RECIPE.replay, "--replay", min=0, help="Training pairs replayed in the repair stage (against forgetting)."),
    contrasts: str = typer.Option(",".join(_RECIPE.contrasts), "--contrasts", help=f"Extra contrasts in the repair stage, comma-separated: {', '.join(CONTRAST_KINDS)} (entities: a named entity swapped; negations: the claim reversed); '' for none."),
    contrast_limit: int = typer.Option(_RECIPE.contrast_limit, "--contrast-limit", min=1, help="Contrasts of each extra kind (SciFact ones always kept)."),
    soup: bool = typer.Option(_RECIPE.soup, "--soup/--no-soup", help="Branch an SNLI and a SciFact stage from the repaired model and average the three (a model soup)."),
    transfer: bool = typer.Option(_RECIPE.transfer, "--transfer/--no-transfer", help="A last stage on the nli-extra pairs (CAD-SNLI, TaxiNLI, ConjNLI) with paraphrased and reversed claims and replay (the v5 candidate; not shipped, see docs/benchmarks.md)."),
    init: Optional[Path] = typer.Option(None, "--init", help="Start from this finished model folder (e.g. factcheck/models/verifier) and run only the transfer stage."),
    install: bool = typer.Option(False, "--install", help="Copy the finished model into factcheck/models/verifier."),
    evaluate: Optional[Path] = typer.Option(None, "--evaluate", help="Train nothing: score this model folder (e.g. factcheck/models/verifier) on the held-out splits."),
    splits: Optional[str] = typer.Option(None, "--splits", help=f"With --evaluate: comma-separated held-out splits (default: all of {', '.join(HELD_OUT)})."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores report as JSON."),
) -> None:
    """Train the bundled verdict model (NLI cross-encoder) from all-MiniLM-L6-v2, calibrate, convert to fp16 and score it.

    The defaults reproduce the shipped model v4 (about 100 min on two idle CPU cores with --threads 2; a GPU is
    used when present); `--init factcheck/models/verifier --transfer` trains the v5 candidate on top of it (about
    25 min on two idle cores). A stage already finished in the run folder with the same settings is reused, not retrained."""
    from factcheck.errors import InputError
    from factcheck.settings import data_dir as default_data_dir

    output = renamed_option(out, "--out", output, "-o/--output")
    data = data_dir or default_data_dir()
    if not (data / "nli" / "snli_dev.jsonl").is_file():
        raise InputError(f"{data}: the data sets (nli/, scifact/) are missing; pass --data-dir or set FACTCHECK_DATA_DIR")
    kinds = [k.strip() for k in contrasts.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(CONTRAST_KINDS))
    if unknown:
        raise InputError(f"--contrasts: unknown kind {', '.join(unknown)}; choose from {', '.join(CONTRAST_KINDS)}")
    names = [n.strip() for n in splits.split(",") if n.strip()] if splits else list(HELD_OUT)
    if set(names) - set(HELD_OUT):
        raise InputError(f"--splits: unknown split {', '.join(sorted(set(names) - set(HELD_OUT)))}; choose from {', '.join(HELD_OUT)}")
    import torch

    torch.set_num_threads(threads)
    if evaluate is not None:
        _print_scores(_evaluate(evaluate, data, names, seed), as_json)
        return
    output = output or Path("runs") / time.strftime("verifier-%Y%m%d-%H%M%S")
    cfg = TrainConfig(epochs=epochs, max_pairs=max_pairs, budget_min=budget_min, seed=seed, repair_epochs=repair_epochs,
                      replay=replay, contrasts=tuple(kinds), contrast_limit=contrast_limit, soup=soup, transfer=transfer)
    from factcheck.train.verifier import run

    report = run(data, output, cfg, install_model=install, command=shlex.join(["factcheck", *sys.argv[1:]]), init=init)
    if as_json:
        echo_json(report)
        return
    _print_scores(report["scores"], False)
    typer.echo(f"model: {output / 'model'}" + (f" (installed to {report['installed']})" if "installed" in report else ""))


def _evaluate(model_dir: Path, data: Path, names: list[str], seed: int) -> dict:
    """The held-out scores of a finished model folder."""
    from factcheck.errors import InputError
    from factcheck.train.verifier_eval import evaluate_dir

    if not (model_dir / "config.json").is_file():
        raise InputError(f"--evaluate {model_dir}: not a model folder (no config.json); pass a finished model, e.g. factcheck/models/verifier")
    return evaluate_dir(model_dir, data, names, seed=seed)


def _print_scores(scores: dict, as_json: bool) -> None:
    """One line per held-out split, or the scores as JSON."""
    if as_json:
        echo_json(scores)
        return
    for name, s in scores.items():
        typer.echo(f"{name}: accuracy {s['accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f} ({s['pairs']} pairs)")


@train_app.command("verdict-confidence")
@guarded
def train_verdict_confidence(
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
    work_dir: Path = typer.Option(Path("runs/verdict-confidence"), "--work-dir", help="Where the SciFact and FEVER evaluation indexes are built (reused when present)."),
    verifier: str = typer.Option("bundled", "--verifier", help="Verdict model: 'bundled' or a model folder."),
    model: Optional[str] = DEPRECATED_MODEL_OPT,
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Calibration file (default: verdict_calibration.json in the model folder)."),
    out: Optional[Path] = DEPRECATED_OUT_OPT,
    fever_claims: int = typer.Option(1000, "--fever-claims", min=10, help="FEVER dev-split claims to check."),
    seed: int = typer.Option(_RECIPE.seed, "--seed", help="Seed of the splits (must match the verdict model's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the calibration and its held-out scores as JSON."),
) -> None:
    """Calibrate verdict confidences end to end: check held-out SciFact and FEVER claims through the whole
    pipeline, fit the confidence per verdict group on half, report calibration error on the other half."""
    from factcheck.errors import InputError
    from factcheck.settings import data_dir as default_data_dir
    from factcheck.train.verdicts import run

    verifier = renamed_option(model, "--model", verifier, "--verifier")
    output = renamed_option(out, "--out", output, "-o/--output")
    data = data_dir or default_data_dir()
    if not (data / "scifact" / "corpus.jsonl").is_file():
        raise InputError(f"{data}: the data sets (nli/, scifact/) are missing; pass --data-dir or set FACTCHECK_DATA_DIR")
    calibration = run(data, work_dir, verifier, output, fever_claims, seed, progress=not as_json,
                      command=shlex.join(["factcheck", *sys.argv[1:]]))
    if as_json:
        echo_json({"coefficients": calibration.coefficients, **calibration.info})
        return
    for source, s in calibration.info["held_out"].items():
        typer.echo(f"{source}: {s['claims']} held-out claims, accuracy {s['accuracy']:.3f}, "
                   f"ECE {s['ece_before']:.3f} -> {s['ece_after']:.3f}")
    typer.echo(f"calibration: {calibration.info['written']}")
