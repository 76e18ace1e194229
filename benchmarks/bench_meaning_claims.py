"""Verdicts end to end on claims that need meaning, not numbers: `claims/meaning-claims.jsonl` (81 claims,
a third each SUPPORTED / REFUTED / NOT_ENOUGH_INFO) and the labelled example claims, over the demo corpus.

Runs what `factcheck eval CLAIMS --format claims --mode open --corpus corpus/` runs (index the corpus, then
the whole pipeline with the bundled verdict model) and writes accuracy, macro-F1, per-verdict precision,
recall and coverage (the share of all claims given that verdict), the confusion matrix and accuracy per
kind of claim (paraphrase, antonym, negation, quantifier, role swap, on-topic but unsettled).

    nice .venv/bin/python benchmarks/bench_meaning_claims.py [--write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HEADING = "## Claims that need meaning"
CLAIM_SETS = ("claims/meaning-claims.jsonl", "claims/example-claims.jsonl")


def kinds(path: Path) -> dict[str, str]:
    """Claim id -> kind (paraphrase, antonym, ...) of a claim set; claims without one are 'extracted'."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(r["id"]): r.get("kind") or "extracted" for r in rows}


def kind_table(predictions: list, kind_of: dict[str, str]) -> str:
    """Accuracy per kind of claim, with the verdicts each kind got."""
    groups: dict[str, list] = defaultdict(list)
    for p in predictions:
        groups[kind_of[p.id]].append(p)
    rows = ["| kind | claims | accuracy | verdicts given |", "|---|---|---|---|"]
    for kind, preds in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        right = sum(p.verdict == p.gold for p in preds) / len(preds)
        given = ", ".join(f"{v} {n}" for v, n in Counter(p.verdict for p in preds).most_common())
        rows.append(f"| {kind} | {len(preds)} | {right:.3f} | {given} |")
    return "\n".join(rows)


def section(path: str, report: dict, predictions: list) -> str:
    """One claim set's tables: headline scores against chance, per verdict, confusion, per kind."""
    from factcheck.eval.tables import verdict_tables

    gold = Counter(p.gold for p in predictions)
    chance = gold.most_common(1)[0][1] / len(predictions)
    return f"""### `{path}` ({report['claims']} claims: {', '.join(f'{k} {v}' for k, v in gold.most_common())})

Always answering the most common gold label scores {chance:.3f}.

{verdict_tables(report['verdicts'])}

{kind_table(predictions, kinds(REPO / path))}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--index", type=Path, default=None, help="Index folder (default: a temporary one).")
    parser.add_argument("--verifier", default="bundled")
    parser.add_argument("--write", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args()

    from factcheck.eval.modes import evaluate, load_verifier
    from factcheck.eval.readers import read_dataset

    os.chdir(REPO)  # document ids are corpus paths relative to the repository, as `reference` names them
    verifier = load_verifier(args.verifier)
    parts, models = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-meaning-") as tmp:
        index = args.index or Path(tmp) / "index"
        for path in CLAIM_SETS:
            data = read_dataset(REPO / path, "claims", args.corpus)
            report, predictions = evaluate(data, "open", index, verifier)
            models = report["models"]
            parts.append(section(path, report, predictions))
            print(f"{path}: accuracy {report['verdicts']['accuracy']:.3f}", file=sys.stderr)
    used = ", ".join(f"{k}: {v}" for k, v in models.items() if k != "index")
    text = f"""{HEADING}

Claims written for the project against public-domain reference texts of the demo corpus (`corpus/SOURCES.md`);
each SUPPORTED or REFUTED meaning claim is settled by one or two sentences of one text, by meaning (antonyms,
negation, quantifiers, swapped roles) rather than by a number; the NOT_ENOUGH_INFO ones are on the texts' topics
but not settled by them. Open mode: the corpus indexed, then the whole pipeline
({used}; {datetime.date.today().isoformat()}).
Coverage is the share of all claims given a verdict; recall the share of a verdict's gold claims given it.

{chr(10).join(parts)}
    nice .venv/bin/python benchmarks/bench_meaning_claims.py{run_args()}
"""
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
