"""Claim matching on the CheckThat! 2022 collections: MAP@5 (the official measure) of `factcheck match`
on the dev splits, debates -> PolitiFact (task 2B) and tweets -> Snopes (task 2A), against BM25, MiniLM
cosine and RRF baselines in the same run; the match/no-match threshold's precision and recall on dev;
matching speed (p50 per claim, warm, against all 33,481 fact-checks); import time against embedding time.

    nice -n 10 .venv/bin/python benchmarks/bench_claim_matching.py [--store runs/claim-matching-store] [--sweep]

The store is built on first use (both collections embedded: many minutes on a busy 2-core machine) and
reused. MAP@5 is computed from `factcheck match --claims Q --min-score 0 -k 5 -o OUT` output files.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

BASELINES_TEST = "BM25 0.357, MiniLM cosine 0.333, RRF 0.413 (debates test split); dev: 0.340, 0.398, 0.405"
TARGETS = {"debates": 0.55, "tweets": 0.95}
PRECISION_TARGET = 0.9
MODES = ("bm25", "dense", "hybrid", "rerank")
MODE_NAMES = {"bm25": "BM25", "dense": "MiniLM cosine", "hybrid": "RRF (BM25 + MiniLM)", "rerank": "factcheck match (re-ranked)"}


def map_at_5(qrels: dict[str, list[str]], run: dict[str, list[str]]) -> float:
    """MAP@5 with ir-measures (AP@5: precision at each relevant hit in the top 5, over all relevant ids)."""
    import ir_measures

    qrel_list = [ir_measures.Qrel(q, d, 1) for q, docs in qrels.items() for d in docs]
    scored = [ir_measures.ScoredDoc(q, d, 10.0 - i) for q, docs in run.items() for i, d in enumerate(docs[:5])]
    per_query = {m.query_id: m.value for m in ir_measures.iter_calc([ir_measures.AP @ 5], qrel_list, scored)}
    return sum(per_query.get(q, 0.0) for q in qrels) / len(qrels)  # a query with no ranking scores 0


def write_queries(path: Path, queries) -> None:
    """Writes queries as a claims JSONL for `factcheck match --claims`."""
    with path.open("w", encoding="utf-8") as handle:
        for q in queries:
            handle.write(json.dumps({"id": q.id, "text": q.text, "speaker": q.speaker, "date": q.date, "context": q.context}) + "\n")


def cli_run(queries_file: Path, store: Path, mode: str, out: Path) -> dict[str, list[str]]:
    """Runs `factcheck match --claims` in a subprocess; returns each claim's ranked fact-check ids."""
    exe = Path(sys.executable).parent / "factcheck"
    cmd = [str(exe), "match", "--claims", str(queries_file), "--store", str(store), "--min-score", "0", "-k", "5",
           "--mode", mode, "-o", str(out)]
    subprocess.run(cmd, check=True, env={**os.environ, "FACTCHECK_THREADS": os.environ.get("FACTCHECK_THREADS", "1")})
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: [m["id"] for m in line["matches"]] for line in lines}


def threshold_table(matcher, queries, qrels) -> tuple[list[tuple[float, float, float, float]], list[float], list[float]]:
    """Precision and recall of "already fact-checked" per threshold on dev: each query once with its
    fact-checks in the store (a hit: the top match is one of them), once with them left out (any match is wrong)."""
    import numpy as np

    positives, negatives, correct = [], [], []
    records = matcher.store.records
    for query, found in zip(queries, matcher.candidates_of(queries)):
        score = matcher.reranker.probability(found.x)
        relevant = np.array([records[r].id in set(qrels[query.id]) for r in found.rows])
        top = int(np.argmax(score))
        positives.append(float(score[top]))
        correct.append(bool(relevant[top]))
        negatives.append(float(score[~relevant].max(initial=0.0)))  # best score once its fact-checks are gone
    rows = []
    for t in np.arange(0.05, 0.96, 0.05):
        tp = sum(s >= t and c for s, c in zip(positives, correct))
        fp = sum(s >= t and not c for s, c in zip(positives, correct)) + sum(s >= t for s in negatives)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / len(positives)
        rows.append((round(float(t), 2), precision, recall, 2 * precision * recall / (precision + recall or 1)))
    return rows, positives, negatives


def speed(matcher, queries) -> dict[str, float]:
    """Per-claim matching time, one claim per call, warm (after 5 warm-up calls), and, as the baseline in
    the same run, the time MiniLM takes to encode the claim alone (the machine's load moves both)."""
    for q in queries[:5]:
        matcher.match(q, k=5)
    times, encode = [], []
    for q in queries:
        started = time.perf_counter()
        matcher.embedder.encode([q.text])
        encode.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        matcher.match(q, k=5)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p90": times[int(0.9 * len(times))], "n": len(times),
            "encode_p50": statistics.median(encode)}


def import_speed(data_dir: Path, n: int) -> dict[str, float]:
    """Imports the first n records of each collection into a new store: total seconds against embedding seconds."""
    from factcheck.factchecks import add_factchecks, read_factchecks
    from factcheck.factchecks.datasets import COLLECTIONS

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, _ in COLLECTIONS.values():
            lines = (data_dir / "claim-matching" / name).read_text(encoding="utf-8").splitlines()[:n]
            files.append(Path(tmp) / name)
            files[-1].write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        records = read_factchecks(files).records
        stats = add_factchecks(records, Path(tmp) / "store")
        total = time.perf_counter() - started
    return {"records": len(records), "total": total, "embed": stats.embed_seconds, "ratio": total / stats.embed_seconds}


def sweep(matcher, data_dir: Path) -> list[tuple[str, float, float]]:
    """Levers, each a re-ranker retrained on the train splits and scored on dev: feature groups left out."""
    import numpy as np

    from factcheck.factchecks.datasets import SPLITS, load_split
    from factcheck.factchecks.features import FEATURES
    from factcheck.train.claim_matcher import fit_reranker, training_data

    train = [training_data(matcher, *load_split(data_dir, s, "train")) for s in SPLITS]
    dev = {s: load_split(data_dir, s, "dev") for s in SPLITS}
    dev_found = {s: matcher.candidates_of(q) for s, (q, _) in dev.items()}
    groups = {
        "all features": (),
        "without speaker": ("speaker_known", "speaker_match"),
        "without date": ("date_known", "date_near"),
        "without context": ("cos_context",),
        "without title": ("cos_title",),
        "without speaker, date, context": ("speaker_known", "speaker_match", "date_known", "date_near", "cos_context"),
    }
    out = []
    variants = [(name, dropped, None) for name, dropped in groups.items()] + [("logistic regression, all features", (), 0)]
    for name, dropped, hidden in variants:
        keep = np.array([f not in dropped for f in FEATURES], np.float32)
        x, y = np.concatenate([x for x, _ in train]) * keep, np.concatenate([y for _, y in train])
        reranker = fit_reranker(x, y) if hidden is None else fit_reranker(x, y, hidden=hidden)
        scores = []
        for split, (queries, qrels) in dev.items():
            run = {}
            for q, found in zip(queries, dev_found[split]):
                order = np.argsort(-reranker.probability(found.x * keep))[:5]
                run[q.id] = [matcher.store.records[found.rows[i]].id for i in order]
            scores.append(map_at_5(qrels, run))
        out.append((name, *scores))
    return out


def cpu_model() -> str:
    """The CPU model line of lscpu."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown CPU"
    return next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Model name")), "unknown CPU")


def main() -> None:
    from docs_section import write_section

    from factcheck.factchecks.datasets import SPLITS, load_split
    from factcheck.factchecks.matcher import MATCH_THRESHOLD, Matcher
    from factcheck.settings import data_dir
    from factcheck.train.claim_matcher import build_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("runs/claim-matching-store"))
    parser.add_argument("--sweep", action="store_true", help="Also retrain the re-ranker without each feature group.")
    parser.add_argument("--import-sample", type=int, default=1000, help="Records per collection for the import timing.")
    parser.add_argument("--no-write", action="store_true", help="Print the section instead of writing docs/benchmarks.md.")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    folder = data_dir()
    store = build_store(folder, args.store)
    results: dict[str, dict[str, float]] = {}
    dev = {split: load_split(folder, split, "dev") for split in SPLITS}
    raw: dict[str, float] = {}  # baselines on the tweets exactly as given (links and signature left in)
    with tempfile.TemporaryDirectory() as tmp:
        for split, (queries, qrels) in dev.items():
            qfile = Path(tmp) / f"{split}.jsonl"
            write_queries(qfile, queries)
            for mode in MODES:
                run = cli_run(qfile, args.store, mode, Path(tmp) / f"{split}-{mode}.jsonl")
                results.setdefault(mode, {})[split] = map_at_5(qrels, run)
        given = Path(folder) / "claim-matching" / "tweets_dev.jsonl"
        for mode in MODES[:3]:
            raw[mode] = map_at_5(dev["tweets"][1], cli_run(given, args.store, mode, Path(tmp) / f"raw-{mode}.jsonl"))
    matcher = Matcher(store)
    all_queries = [q for queries, _ in dev.values() for q in queries]
    all_qrels = {k: v for _, qrels in dev.values() for k, v in qrels.items()}
    rows, _, _ = threshold_table(matcher, all_queries, all_qrels)
    timing = speed(matcher, all_queries)
    imported = import_speed(folder, args.import_sample)
    levers = sweep(matcher, folder) if args.sweep else []

    def table_row(name: str, scores: dict[str, float]) -> str:
        return f"| {name} | {scores['debates']:.3f} | {scores['tweets']:.3f} |"

    chosen = next((r for r in rows if abs(r[0] - MATCH_THRESHOLD) < 1e-6), None)
    precise = next((r for r in rows if r[1] >= PRECISION_TARGET), rows[-1])
    lines = [
        "## Claim matching (earlier fact-checks)",
        "",
        f"Run {datetime.date.today().isoformat()} on {cpu_model()} ({os.cpu_count()} cores shared with other work, torch 1 thread). "
        f"Store: {len(store)} fact-checks (PolitiFact 19,250 + Snopes 14,231), claim and title each embedded with "
        f"{store.embedder_name}, BM25 over claim + title. Queries: CheckThat! 2022 dev splits, "
        f"{len(dev['debates'][0])} debate sentences -> PolitiFact (task 2B) and {len(dev['tweets'][0])} tweets -> Snopes (task 2A). "
        "MAP@5 (ir-measures AP@5, the official measure) from `factcheck match --claims Q --min-score 0 -k 5 -o OUT --mode M` output.",
        "",
        "| ranking | debates dev MAP@5 | tweets dev MAP@5 |",
        "|---|---|---|",
        *[table_row(MODE_NAMES[m], results[m]) for m in MODES],
        "",
        "Tweets as given (links and the embed signature left in the text), same store: "
        + ", ".join(f"{MODE_NAMES[m]} {raw[m]:.3f}" for m in MODES[:3]) + ". Above, tweets are read as their text "
        "without links, the signature's date as the claim's date.",
        "",
        f"Baselines given in the issue: {BASELINES_TEST}; tweets dev BM25 0.900, MiniLM 0.926, RRF 0.937. Targets: "
        f"debates test ≥ {TARGETS['debates']} (the test split is held out: dev is reported), tweets dev ≥ {TARGETS['tweets']}.",
        f"Relative to RRF in the same run: debates {results['rerank']['debates'] / results['hybrid']['debates']:.2f}×, "
        f"tweets {results['rerank']['tweets'] / results['hybrid']['tweets']:.2f}×.",
        "",
        "The re-ranker is a one-hidden-layer MLP (8 ReLU units) over cosine (claim, title, claim read with the 3 previous debate "
        "sentences), BM25, both ranks, speaker = claimant, and days between the claim's and the fact-check's dates, "
        "trained on the train splits (`factcheck train claim-matcher`). Debate sentences carry their speaker, date and "
        "context from `claim-matching/transcripts/`; tweets their posting date.",
        "",
        "Match/no-match threshold (\"already fact-checked\"), on both dev splits together: each query once with its "
        "fact-checks in the store (right when the top match is one of them) and once with them removed (any match shown "
        "is wrong). Precision = right top matches / matches shown; recall = right top matches / queries.",
        "",
        "| threshold | precision | recall | F1 |",
        "|---|---|---|---|",
        *[f"| {t:.2f}{' (MATCH_THRESHOLD)' if chosen and t == chosen[0] else ''} | {p:.3f} | {r:.3f} | {f:.3f} |"
          for t, p, r, f in sorted(set(rows[::2]) | ({chosen} if chosen else set()))],
        "",
        f"MATCH_THRESHOLD is the lowest threshold whose precision reaches {PRECISION_TARGET} (reports should show only "
        f"real matches): here {precise[0]:.2f} (precision {precise[1]:.3f}, recall {precise[2]:.3f}); the product uses "
        f"{MATCH_THRESHOLD}. Chosen and reported on the same dev queries, so slightly optimistic.",
        "",
        f"Speed: p50 {timing['p50']:.1f} ms, p90 {timing['p90']:.1f} ms per claim (one claim per call, warm, "
        f"{timing['n']} dev claims, against {len(store)} fact-checks; target p50 < 20 ms); in the same run, MiniLM "
        f"encoding the claim alone took p50 {timing['encode_p50']:.1f} ms, so matching costs "
        f"{timing['p50'] / timing['encode_p50']:.1f}× one query encoding (debate claims also encode their context). Import of {imported['records']} "
        f"JSONL records into a new store: {imported['total']:.1f} s, of which embedding {imported['embed']:.1f} s "
        f"(ratio {imported['ratio']:.2f}; target < 1.1).",
    ]
    if levers:
        lines += ["", "Levers (the MLP re-ranker retrained without a feature group, and a logistic regression instead of the MLP; dev MAP@5):", "",
                  "| features | debates | tweets |", "|---|---|---|", *[f"| {n} | {d:.3f} | {t:.3f} |" for n, d, t in levers]]
    lines += ["", "```", f"nice -n 10 .venv/bin/python benchmarks/bench_claim_matching.py --store {args.store}{' --sweep' if args.sweep else ''}", "```"]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if not args.no_write:
        write_section("## Claim matching (earlier fact-checks)", text)


if __name__ == "__main__":
    main()
