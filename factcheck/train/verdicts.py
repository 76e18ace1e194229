"""`factcheck train verdict-confidence`: calibrates the confidence of whole verdicts, end to end.

The verdict model's pair probabilities are calibrated on their own (temperature scaling), but a
verdict also passes the relevance gate and the number and date rules, so its raw score (the deciding
evidence's probability; 1.0 for NOT_ENOUGH_INFO when every evidence item was ruled out) is not a
probability of being right. This stage checks labelled claims that the verdict model never saw through
the whole pipeline, fits each verdict group's share of right verdicts (Platt scaling on the score is measured
beside it), measures the expected calibration error by two-fold
cross-fitting (each half scored by a fit on the other), and writes `verdict_calibration.json` beside
the verdict model (fitted on all of them).

Labelled claims (the verdict model's held-out splits, `factcheck.train.verifier_data`):
- SciFact dev-split claims against the 5,183 SciFact abstracts: SUPPORTED, REFUTED, NOT_ENOUGH_INFO;
- FEVER dev-split claims against every FEVER evidence text; about a third of them lose their gold evidence
  (and every text that repeats one of its sentences) from the corpus and become NOT_ENOUGH_INFO (the
  corpus still holds related passages, not evidence).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Sequence

from factcheck.eval.modes import Prediction
from factcheck.eval.readers import Dataset, EvalExample, read_fever_pairs, read_scifact
from factcheck.train.verifier_data import FEVER_DEV, SCIFACT_DEV, bucket, long_sentences, normalise_text
from factcheck.verify.calibration import (
    VERDICT_CALIBRATION_FILE,
    VerdictCalibration,
    calibration_bins,
    expected_calibration_error,
    fit_verdict_calibration,
)

__all__ = ["scifact_dev", "fever_dev", "raw_predictions", "fit_and_score", "run"]


def scifact_dev(data_dir: Path, seed: int = 13) -> Dataset:
    """SciFact's training claims that fall in the verdict model's dev split, with the whole corpus."""
    data = read_scifact(data_dir / "scifact" / "claims_train.jsonl", data_dir / "scifact" / "corpus.jsonl")
    kept = [ex for ex in data.examples if bucket(ex.claim, seed) < SCIFACT_DEV]
    return Dataset("scifact-dev", kept, data.corpus, data.sentences)


def fever_dev(data_dir: Path, seed: int = 13, claims: int | None = 1000, nei_fraction: float = 0.5) -> Dataset:
    """FEVER dev-split claims (one example per claim, evidence merged) over a corpus of every FEVER
    evidence text; `nei_fraction` of them lose their gold evidence, and every text sharing a sentence with
    it, and become NOT_ENOUGH_INFO (only where none of that is another kept claim's evidence)."""
    data = read_fever_pairs(data_dir / "nli" / "fever_nli_dev_binary.jsonl")
    by_claim: dict[str, list[EvalExample]] = defaultdict(list)
    for ex in data.examples:
        if bucket(ex.claim, seed) < FEVER_DEV:
            by_claim[ex.claim].append(ex)
    merged = []
    for claim, group in by_claim.items():
        if len({ex.label for ex in group}) == 1:
            merged.append(EvalExample(f"fever-{len(merged) + 1}", claim, group[0].label,
                                      [e for ex in group for e in ex.evidence],
                                      sorted({d for ex in group for d in ex.relevant}),
                                      [s for ex in group for s in ex.evidence_sets]))
    merged.sort(key=lambda ex: bucket(ex.claim, seed + 1))
    merged = merged[:claims]
    drop = {ex.id for ex in merged if bucket(ex.claim, seed + 2) < nei_fraction}
    keep_docs = {e.doc_id for ex in merged if ex.id not in drop for e in ex.evidence}
    sharing = _documents_sharing_sentences(data)
    removed: set[str] = set()
    examples = []
    for ex in merged:
        docs = {d for e in ex.evidence for d in sharing[e.doc_id]}
        if ex.id in drop and not docs & keep_docs:
            removed |= docs
            ex = EvalExample(ex.id, ex.claim, "NOT_ENOUGH_INFO")
        examples.append(ex)
    corpus = [doc for doc in data.corpus if doc.id not in removed]
    return Dataset("fever-dev", examples, corpus, data.sentences)


def _documents_sharing_sentences(data: Dataset) -> dict[str, set[str]]:
    """For each document, the documents that share a sentence with it (itself included): FEVER's
    evidence texts overlap, so removing a claim's evidence means removing every text that repeats it."""
    sentences = {doc.id: long_sentences(normalise_text(doc.text)) for doc in data.corpus}
    holders: dict[str, set[str]] = defaultdict(set)
    for doc_id, found in sentences.items():
        for sentence in found:
            holders[sentence].add(doc_id)
    return {doc_id: {doc_id}.union(*(holders[s] for s in found)) for doc_id, found in sentences.items()}


def raw_predictions(dataset: Dataset, index_dir: Path, verifier: Any, progress: bool = True) -> list[Prediction]:
    """Checks the data set's claims through the whole pipeline with uncalibrated (raw) confidences."""
    from factcheck.eval.modes import ensure_index, open_predictions
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever

    folder = ensure_index(dataset, index_dir, progress=progress)
    retriever = Retriever(folder, mode="hybrid")
    checker = Checker(retriever, verifier, retriever.embedder, calibration=None)
    return open_predictions(dataset, checker, progress=progress)


def _scores(predictions: Sequence[Prediction], confidence: Sequence[float]) -> dict[str, Any]:
    """Accuracy, ECE and reliability bins of verdicts under the given confidences."""
    correct = [p.gold == p.verdict for p in predictions]
    return {"claims": len(predictions), "accuracy": round(sum(correct) / len(correct), 4),
            "ece": round(expected_calibration_error(confidence, correct), 4),
            "bins": calibration_bins(confidence, correct)}


def _fit(predictions: Sequence[Prediction], use_score: bool = False) -> VerdictCalibration:
    return fit_verdict_calibration([p.verdict for p in predictions], [p.confidence for p in predictions],
                                   [p.gold == p.verdict for p in predictions], [p.leaning for p in predictions],
                                   use_score=use_score)


def fit_and_score(predictions: dict[str, list[Prediction]], seed: int = 13) -> VerdictCalibration:
    """Fits on all claims; scores by two-fold cross-fitting (each half calibrated by a fit on the other
    half, split by a stable hash), before (raw score) and after calibration, per source and over all."""
    everything = [(source, p) for source, preds in predictions.items() for p in preds]
    folds = [[sp for sp in everything if (bucket(f"{sp[0]}:{sp[1].id}", seed + 3) < 0.5) == side] for side in (True, False)]
    out_of_fold: dict[str, list[tuple[Prediction, float, float]]] = defaultdict(list)
    for fit_on, score_on in (folds, folds[::-1]):
        half, platt = _fit([p for _, p in fit_on]), _fit([p for _, p in fit_on], use_score=True)
        for source, p in score_on:
            scores = (p.verdict, p.confidence, p.leaning)
            out_of_fold[source].append((p, half(*scores), platt(*scores)))
    out_of_fold["all"] = [pc for source in predictions for pc in out_of_fold[source]]
    held_out: dict[str, Any] = {}
    for source, scored in out_of_fold.items():
        preds = [p for p, _, _ in scored]
        raw = _scores(preds, [p.confidence for p in preds])
        calibrated = _scores(preds, [c for _, c, _ in scored])
        held_out[source] = {"claims": raw["claims"], "accuracy": raw["accuracy"], "ece_before": raw["ece"],
                            "ece_after": calibrated["ece"],
                            "ece_platt": _scores(preds, [c for _, _, c in scored])["ece"],
                            "verdicts": dict(Counter(p.verdict for p in preds)),
                            "gold": dict(Counter(p.gold for p in preds)), "bins_after": calibrated["bins"]}
    calibration = _fit([p for _, p in everything])
    calibration.info = {"fitted_on": {"claims": len(everything), "verdicts": dict(Counter(p.verdict for _, p in everything))},
                        "held_out": held_out}
    return calibration


def run(data_dir: Path, work_dir: Path, verifier: str = "bundled", out: Path | None = None,
        fever_claims: int = 1000, seed: int = 13, progress: bool = True, command: str = "") -> VerdictCalibration:
    """The whole stage: build both labelled sets, check them, fit, score, and write the calibration
    (default: beside the verdict model, when it is a local folder)."""
    from factcheck.verify import load_verifier

    model = load_verifier(verifier)
    sets = [scifact_dev(data_dir, seed), fever_dev(data_dir, seed, claims=fever_claims)]
    predictions = {ds.name: raw_predictions(ds, work_dir / f"{ds.name}-index", model, progress) for ds in sets}
    calibration = fit_and_score(predictions, seed)
    calibration.info |= {"verifier": getattr(model, "name", verifier), "date": datetime.date.today().isoformat(),
                         "command": command, "scifact_abstracts": len(sets[0].corpus)}
    target = out or _model_dir(verifier) / VERDICT_CALIBRATION_FILE
    calibration.save(target)
    calibration.info["written"] = str(target)
    card = target.parent / "MODEL_CARD.md"
    if card.is_file():
        from factcheck.textio import atomic_write_text
        from factcheck.train.verifier_card import VERDICT_HEADING, replace_section, verdict_confidence_section

        text = replace_section(card.read_text(encoding="utf-8"), verdict_confidence_section(calibration.info), VERDICT_HEADING)
        atomic_write_text(card, text)
    return calibration


def _model_dir(verifier: str) -> Path:
    """The folder of a local verdict model ('bundled' or a path)."""
    from factcheck.errors import InputError
    from factcheck.verify.nli import BUNDLED_DIR

    folder = BUNDLED_DIR if verifier == "bundled" else Path(verifier)
    if not folder.is_dir():
        raise InputError(f"verifier {verifier!r} is not a local folder; pass -o FILE for the calibration")
    return folder
