"""Scoring, calibration, fp16 conversion and installation of a trained verdict model."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Sequence

from factcheck.records import STANCES
from factcheck.textio import atomic_dir, atomic_write_text
from factcheck.train.verifier_config import model_version
from factcheck.train.verifier_data import EXTRA_HELD_OUT, NLIPair

__all__ = [
    "HELD_OUT",
    "DEV_SPLITS",
    "split_metrics",
    "score_logits",
    "convert_fp16",
    "calibrate",
    "contrast_splits",
    "evaluate_dir",
    "held_out_splits",
    "finalize",
    "install",
]

HELD_OUT = ("fever_dev", "scifact_dev", "nei_dev", "numbers", "snli_test", "entities", "negations", *EXTRA_HELD_OUT)
DEV_SPLITS = ("fever_dev", "scifact_dev", "nei_dev")  # temperature is fitted on these
MODEL_NAME = "factcheck-nli-minilm-l6"
MODEL_VERSION = model_version(transfer=False)  # the shipped model's


def _labels(pairs: Sequence[NLIPair]):
    import numpy as np

    return np.array([STANCES.index(p.label) for p in pairs])


def split_metrics(name: str, probs, pairs: Sequence[NLIPair]) -> dict:
    """Accuracy, macro-F1 and, where the split needs it, binary (entailment vs not) accuracy."""
    import numpy as np
    from sklearn.metrics import f1_score

    gold, pred = _labels(pairs), np.asarray(probs).argmax(axis=1)
    present = sorted(set(gold.tolist()))
    out = {
        "pairs": len(pairs),
        "accuracy": round(float((gold == pred).mean()), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=present, average="macro", zero_division=0)), 4),
        "predicted": {s: int((pred == i).sum()) for i, s in enumerate(STANCES)},
    }
    if name in ("fever_dev", "numbers", "entities", "negations", "fm2_dev"):
        out["binary_accuracy"] = round(float(((gold == 0) == (pred == 0)).mean()), 4)
    return out


def score_logits(verifier, splits: dict[str, list[NLIPair]], names: Sequence[str], batch_size: int = 64,
                 log: Path | None = None) -> dict:
    """Raw logits of a verifier on the named splits (timed)."""
    out = {}
    for name in names:
        start = time.time()
        out[name] = verifier.logits([(p.premise, p.hypothesis) for p in splits[name]], batch_size=batch_size)
        if log:
            with log.open("a") as fh:
                fh.write(json.dumps({"event": "scored", "split": name, "pairs": len(splits[name]),
                                     "seconds": round(time.time() - start, 1)}) + "\n")
    return out


def convert_fp16(checkpoint: Path, dest: Path) -> Path:
    """Saves the checkpoint's weights as fp16 safetensors with its config and tokenizer."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, local_files_only=True, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint, local_files_only=True)
    dest.mkdir(parents=True, exist_ok=True)
    model.half().save_pretrained(dest, safe_serialization=True)
    tokenizer.save_pretrained(dest)
    return dest


def calibrate(logits: dict, splits: dict[str, list[NLIPair]]) -> dict:
    """Fits the temperature on the dev splits; ECE before and after, on dev and on SNLI test."""
    import numpy as np

    from factcheck.verify.calibration import ece, fit_temperature, nll, softmax

    dev_logits = np.concatenate([logits[n] for n in DEV_SPLITS])
    dev_labels = np.concatenate([_labels(splits[n]) for n in DEV_SPLITS])
    t = fit_temperature(dev_logits, dev_labels)
    report = {"temperature": round(t, 4), "fitted_on": list(DEV_SPLITS), "dev_pairs": int(len(dev_labels))}
    for name, lg, lb in [("dev", dev_logits, dev_labels)] + (
        [("snli_test", logits["snli_test"], _labels(splits["snli_test"]))] if "snli_test" in logits else []
    ):
        report[name] = {
            "ece_before": round(ece(softmax(lg), lb), 4), "ece_after": round(ece(softmax(lg, t), lb), 4),
            "nll_before": round(nll(lg, lb), 4), "nll_after": round(nll(lg, lb, t), 4),
        }
    return report


def contrast_splits(splits: dict[str, list[NLIPair]], names: Sequence[str], seed: int = 13) -> dict:
    """The named held-out contrast sets built from the held-out claims: "entities" (an entity the
    evidence names swapped) and "negations" (the claim reversed); needs spaCy only when one is named."""
    from factcheck.train.verifier_data import entity_split, negation_split

    makers = {"entities": entity_split, "negations": negation_split}
    wanted = [n for n in names if n in makers]
    if not wanted:
        return {}
    import spacy

    from factcheck.claims.extract import SPACY_MODEL

    nlp = spacy.load(SPACY_MODEL)
    return {n: makers[n](splits, nlp, seed) for n in wanted}


def held_out_splits(data_dir: Path, names: Sequence[str] = HELD_OUT, seed: int = 13) -> dict[str, list[NLIPair]]:
    """Every split of `build_splits`, the nli-extra held-out splits (when the folder exists) and the named
    contrast sets; a named split the data cannot give is left out."""
    from factcheck.train.verifier_data import build_splits, extra_splits

    splits = build_splits(data_dir, seed=seed)
    splits.update({k: v for k, v in extra_splits(data_dir, seed).items() if k in EXTRA_HELD_OUT})
    splits.update(contrast_splits(splits, names, seed))
    return splits


def evaluate_dir(model_dir: Path, data_dir: Path, names: Sequence[str] = HELD_OUT, seed: int = 13,
                 limit: int | None = None) -> dict:
    """Scores a model folder (with its calibration.json) on the named held-out splits (the contrast
    sets "entities" and "negations" are built, with spaCy, only when named; see `contrast_splits`)."""
    from factcheck.verify.calibration import softmax
    from factcheck.verify.nli import NLIVerifier

    splits = held_out_splits(data_dir, names, seed)
    names = [n for n in names if n in splits]
    if limit:
        splits = {k: v[:limit] for k, v in splits.items()}
    verifier = NLIVerifier(model_dir)
    logits = score_logits(verifier, splits, names)
    return {n: split_metrics(n, softmax(logits[n], verifier.temperature), splits[n]) for n in names}


def finalize(checkpoint: Path, model_dir: Path, data_dir: Path, seed: int = 13, train_info: dict | None = None,
             snli_limit: int | None = None, version: str = MODEL_VERSION) -> dict:
    """Converts the checkpoint to fp16 in model_dir, scores the converted model on every held-out
    split, fits the temperature, and writes calibration.json, scores.json and MODEL_CARD.md; the model
    folder is built aside and renamed into place once complete."""
    from factcheck.train.verifier_card import render_card
    from factcheck.verify.calibration import softmax, write_pair_calibration
    from factcheck.verify.nli import NLIVerifier

    splits = held_out_splits(data_dir, HELD_OUT, seed)
    names = [n for n in HELD_OUT if n in splits]
    if snli_limit:
        splits["snli_test"] = splits["snli_test"][:snli_limit]
    max_length = int((train_info or {}).get("config", {}).get("max_length", 128))
    with atomic_dir(model_dir) as building:
        convert_fp16(checkpoint, building)
        verifier = NLIVerifier(building, temperature=1.0, max_length=max_length)
        start = time.time()
        logits = score_logits(verifier, splits, names, log=model_dir.parent / "finalize.log")
        calibration = calibrate(logits, splits)
        t = calibration["temperature"]
        scores = {n: split_metrics(n, softmax(logits[n], t), splits[n]) for n in names}
        meta = {"name": f"{MODEL_NAME}-v{version}", "version": version, "temperature": t, "max_length": max_length,
                "stances": list(STANCES), "base_model": "sentence-transformers/all-MiniLM-L6-v2"}
        write_pair_calibration(building / "calibration.json", meta)
        report = {"scores": scores, "calibration": calibration, "eval_seconds": round(time.time() - start, 1),
                  "size_mb": round(sum(f.stat().st_size for f in building.iterdir()) / 1e6, 1),
                  "train": train_info or {}}
        (building / "MODEL_CARD.md").write_text(render_card(report, meta))
    atomic_write_text(model_dir.parent / "scores.json", json.dumps(report, indent=2) + "\n")
    return report


def install(model_dir: Path, dest: Path | None = None) -> Path:
    """Copies a finished model folder into the package (factcheck/models/verifier), swapping it in."""
    from factcheck.verify.nli import BUNDLED_DIR

    dest = dest or BUNDLED_DIR
    with atomic_dir(dest) as tmp:
        shutil.copytree(model_dir, tmp, dirs_exist_ok=True)
    if dest == BUNDLED_DIR:  # the ONNX copy follows the model it was made from (factcheck train quantize)
        from factcheck.train.quantize import build_verifier

        build_verifier()
    return dest
