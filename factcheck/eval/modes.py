"""The three evaluation modes over a `Dataset`:

- oracle: the verdict model alone, on the gold evidence sentences, aggregated by `verify.aggregate.decide`;
- open: index the data set's corpus, then the full pipeline (`pipeline.Checker`) from retrieval on;
- retrieval: the retriever alone, scored against the gold evidence documents (qrels).

`evaluate` runs one mode and returns a JSON-ready report; `factcheck eval` prints it.
"""

from __future__ import annotations

import datetime
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from factcheck.errors import InputError
from factcheck.eval.metrics import (
    RETRIEVAL_MEASURES,
    calibration_bins,
    classification_metrics,
    expected_calibration_error,
    fever_score,
    retrieval_metrics,
)
from factcheck.eval.readers import Dataset
from factcheck.records import Claim

__all__ = [
    "MODES",
    "Prediction",
    "oracle_predictions",
    "open_predictions",
    "retrieval_run",
    "ensure_index",
    "load_verifier",
    "verdict_report",
    "evaluate",
]

MODES = ("oracle", "open", "retrieval")
_TEMP_PREFIX = "factcheck-eval-"  # the folder of the corpus file an evaluation index is built from
DEPTH = 100  # passages retrieved per claim in retrieval mode (documents are ranked by their best passage)


@dataclass
class Prediction:
    """The verdict on one evaluation claim, with the gold evidence ids its evidence covers."""

    id: str
    gold: str
    verdict: str
    confidence: float
    evidence_ids: set[str] = field(default_factory=set)
    leaning: str | None = None  # NOT_ENOUGH_INFO only: the verdict the evidence leans to (see `decide`)


def load_verifier(name: str) -> Any:
    """Loads a verdict model by name (the verify stage's loader; tests replace this function)."""
    from factcheck.verify import load_verifier as _load

    return _load(name)


def _progress(items: Sequence[Any], desc: str, show: bool, size: int) -> Iterable[Sequence[Any]]:
    """Slices of `size` items with a tqdm bar over the items."""
    from tqdm.auto import tqdm

    with tqdm(total=len(items), desc=desc, unit="claim", disable=not show) as bar:
        for start in range(0, len(items), size):
            yield items[start : start + size]
            bar.update(min(size, len(items) - start))


def oracle_predictions(
    dataset: Dataset, verifier: Any, batch_size: int = 32, progress: bool = False
) -> list[Prediction]:
    """Verdicts from the verifier's probabilities on each claim's gold evidence, aggregated by decide()."""
    from factcheck.verify.aggregate import decide

    out = []
    for chunk in _progress(dataset.examples, "oracle", progress, 64):
        pairs = [(e.text, ex.claim) for ex in chunk for e in ex.evidence]
        probs = verifier.predict(pairs, batch_size=batch_size) if pairs else []
        row = 0
        for ex in chunk:
            rows = [tuple(float(x) for x in p) for p in probs[row : row + len(ex.evidence)]]
            row += len(ex.evidence)
            decision = decide(rows)
            out.append(Prediction(ex.id, ex.label, decision.verdict, decision.confidence, {e.id for e in ex.evidence},
                                  decision.leaning))
    return out


def open_predictions(dataset: Dataset, checker: Any, batch_size: int = 16, progress: bool = False) -> list[Prediction]:
    """Verdicts from the full pipeline; the evidence it chose is mapped back onto gold evidence ids."""
    out = []
    for chunk in _progress(dataset.examples, "checking", progress, batch_size):
        results = checker.check([Claim(id=ex.id, text=ex.claim) for ex in chunk])
        for ex, res in zip(chunk, results):
            ids = set().union(*(dataset.evidence_ids(e.doc_id, e.sentence) for e in res.evidence))
            out.append(Prediction(ex.id, ex.label, res.verdict, float(res.confidence), ids, res.leaning))
    return out


def retrieval_run(
    dataset: Dataset, retriever: Any, depth: int = DEPTH, progress: bool = False
) -> dict[str, dict[str, float]]:
    """Document rankings for the judged claims: each document scored by its best passage's rank."""
    judged = [ex for ex in dataset.examples if ex.relevant]
    run: dict[str, dict[str, float]] = {}
    for chunk in _progress(judged, f"searching ({getattr(retriever, 'mode', '')})", progress, 64):
        for ex, hits in zip(chunk, retriever.search_many([ex.claim for ex in chunk], k=depth)):
            docs: dict[str, float] = {}
            for i, hit in enumerate(hits):
                docs.setdefault(hit.passage.doc_id, float(len(hits) - i))  # max over passages = first seen
            run[ex.id] = docs
    return run


def ensure_index(dataset: Dataset, index_dir: str | Path, embedder: Any = None, progress: bool = False) -> Path:
    """Indexes the data set's corpus into `index_dir`, reusing an index there that already holds it."""
    from factcheck.index import build_index

    folder = Path(index_dir)
    if not dataset.corpus:
        raise InputError(f"{dataset.name}: the data set has no corpus to index; pass --corpus")
    if _holds_corpus(folder, dataset):
        return folder
    _refuse_foreign(folder)
    with tempfile.TemporaryDirectory(prefix=_TEMP_PREFIX) as tmp:
        corpus = Path(tmp) / f"{dataset.name}-corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as handle:
            for doc in dataset.corpus:
                record = {"id": doc.id, "title": doc.title, "text": doc.text}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        build_index([corpus], folder, embedder=embedder, progress=progress)
    return folder


def _refuse_foreign(folder: Path) -> None:
    """Refuses to re-index a folder that holds an index of another corpus than an evaluation set's."""
    from factcheck.index.manifest import MANIFEST_FILE, read_manifest

    if not (folder / MANIFEST_FILE).exists():
        return
    sources = [Path(s) for s in read_manifest(folder).get("sources", [])]
    if not all(s.parent.name.startswith(_TEMP_PREFIX) for s in sources):
        raise InputError(
            f"--index {folder}: holds an index of {', '.join(map(str, sources[:2]))}, not of this data set; "
            "choose a new folder for the evaluation index (it is built there)"
        )


def _holds_corpus(folder: Path, dataset: Dataset) -> bool:
    """Tells whether the index in `folder` was built from exactly this corpus (by document ids and counts)."""
    from factcheck.index import open_index
    from factcheck.index.manifest import MANIFEST_FILE

    if not (folder / MANIFEST_FILE).exists():
        return False
    with open_index(folder) as index:
        counts = index.manifest["counts"]
        stored = index.store.document_ids()
    expected = {doc.id for doc in dataset.corpus}
    dropped = counts.get("duplicates", 0) + counts.get("skipped", 0)
    return stored <= expected and len(stored) + dropped == len(expected)


def verdict_report(predictions: list[Prediction], dataset: Dataset, with_fever: bool, bins: int = 10) -> dict[str, Any]:
    """Classification metrics, calibration (ECE and bins) and, when asked, the FEVER score."""
    gold = [p.gold for p in predictions]
    pred = [p.verdict for p in predictions]
    report = classification_metrics(gold, pred)
    conf = [p.confidence for p in predictions]
    correct = [p.gold == p.verdict for p in predictions]
    report["ece"] = expected_calibration_error(conf, correct, bins)
    report["calibration"] = calibration_bins(conf, correct, bins)
    if with_fever:
        sets = {ex.id: ex.evidence_sets for ex in dataset.examples}
        found = [p.evidence_ids for p in predictions]
        report["fever_score"] = fever_score(gold, pred, [sets[p.id] for p in predictions], found)
    return report


def evaluate(
    dataset: Dataset,
    mode: str,
    index_dir: str | Path | None = None,
    verifier: str | Any = "bundled",
    retrievers: Sequence[str] = ("hybrid",),
    depth: int = DEPTH,
    progress: bool = False,
    retriever_options: dict[str, Any] | None = None,
    embedder: Any = None,
) -> tuple[dict[str, Any], list[Prediction]]:
    """Runs one evaluation mode; returns the JSON-ready report and the per-claim predictions.

    `verifier` and `embedder` are names or loaded objects (embedder default: the index's own).
    """
    if mode not in MODES:
        raise InputError(f"--mode {mode}: choose one of {', '.join(MODES)}")
    if not dataset.examples:
        raise InputError(f"{dataset.name}: the data set holds no claims")
    if mode == "oracle" and not any(ex.evidence for ex in dataset.examples):
        raise InputError(f"{dataset.name}: no claim has gold evidence sentences for the oracle mode; use --mode open")
    started = time.perf_counter()
    report: dict[str, Any] = {"dataset": dataset.name, "mode": mode, "claims": len(dataset.examples),
                              "date": datetime.date.today().isoformat(), "models": {}}
    predictions: list[Prediction] = []
    model = load_verifier(verifier) if isinstance(verifier, str) and mode != "retrieval" else verifier
    if mode == "oracle":
        predictions = oracle_predictions(dataset, model, progress=progress)
        report["models"]["verifier"] = getattr(model, "name", str(verifier))
        report["verdicts"] = verdict_report(predictions, dataset, with_fever=False)
    else:
        folder = ensure_index(dataset, _need_index(index_dir), embedder, progress)
        report["corpus_documents"] = len(dataset.corpus)
        if mode == "open":
            checker = _checker(folder, model, retrievers[0], embedder, retriever_options or {})
            report["models"] |= checker.models | {"retriever": retrievers[0]}
            predictions = open_predictions(dataset, checker, progress=progress)
            report["verdicts"] = verdict_report(predictions, dataset, with_fever=True)
        else:
            report["judged_claims"] = len(dataset.qrels())
            report["retrieval"] = _compare_retrievers(
                dataset, folder, retrievers, depth, progress, embedder, retriever_options or {}
            )
            report["models"]["index"] = str(folder)
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report, predictions


def _need_index(index_dir: str | Path | None) -> Path:
    """The index folder of the open and retrieval modes."""
    if index_dir is None:
        raise InputError("open and retrieval modes index the data set's corpus: pass --index DIR")
    return Path(index_dir)


def _compare_retrievers(dataset, folder, names, depth, progress, embedder, options) -> dict[str, dict[str, float]]:
    """Retrieval measures for each retriever mode over the same index, side by side."""
    from factcheck.retrieve import Retriever

    out = {}
    qrels = dataset.qrels()
    if not qrels:
        raise InputError(f"{dataset.name}: no claim has gold evidence documents to score retrieval against")
    for name in names:
        with Retriever(folder, mode=name, embedder=embedder, **options) as retriever:
            if name != "bm25":
                embedder = retriever.embedder  # loaded once, shared by the dense and hybrid runs
            run = retrieval_run(dataset, retriever, depth, progress)
        out[name] = retrieval_metrics(qrels, run, RETRIEVAL_MEASURES)
    return out


def _checker(folder: Path, verifier: Any, mode: str, embedder: Any, options: dict[str, Any]) -> Any:
    """A pipeline Checker over the index with the given verdict model."""
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever

    retriever = Retriever(folder, mode=mode, embedder=embedder, **options)
    models = {"embedder": retriever.index.embedder_name, "verifier": getattr(verifier, "name", "?"),
              "index": f"{folder} ({retriever.index.size} passages)"}
    calibration = getattr(verifier, "verdict_calibration", None)
    return Checker(retriever, verifier, retriever.embedder, models=models, calibration=calibration)
