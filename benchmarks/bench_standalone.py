"""Benchmark of standalone claims: on labelled sentences from public-domain government texts, how often the
extractor keeps a question as a claim, passes a claim that needs context as standalone, or flags a
standalone claim, before (claims as split, nothing checked, the previous check-worthiness model) and after
(questions dropped, context checked and rewritten, the current model), in the same run.

    .venv/bin/python benchmarks/bench_standalone.py             # prints the section and updates docs/benchmarks.md
    .venv/bin/python benchmarks/bench_standalone.py --no-write
    .venv/bin/python benchmarks/bench_standalone.py --baseline-model runs/checkworthiness-v1

The set is claims/standalone-sentences.jsonl (sources in claims/SOURCES.md): paragraphs of sentences, each
labelled standalone / needs_context / not_a_claim. Every sentence is fed to the extractor in order, so
each one sees the sentences before it, as in an article. Two views: with the check-worthiness threshold
(what a user gets) and with every sentence kept (the standalone logic alone).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

SECTION = "## Standalone claims"
SET = ROOT / "claims" / "standalone-sentences.jsonl"
BASELINE_COMMIT = "e43aa39"  # the last commit with the previous check-worthiness model
LABELS = ("standalone", "needs_context", "not_a_claim")


def baseline_model(folder: Path, commit: str = BASELINE_COMMIT) -> Path:
    """A previous check-worthiness model (by default the issue's), taken out of git history into `folder` when not
    there yet."""
    if not (folder / "weights.npz").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "weights.npz"):
            blob = subprocess.run(["git", "show", f"{commit}:factcheck/models/checkworthiness/{name}"],
                                  cwd=ROOT, check=True, capture_output=True).stdout
            (folder / name).write_bytes(blob)
    return folder


def load_set(path: Path = SET) -> list[dict]:
    """The labelled paragraphs."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def outcomes(extractor, paragraphs: list[dict], threshold: float) -> list[tuple[str, str, list]]:
    """(label, outcome, claims) per sentence; outcome is dropped, flagged (a claim needs context),
    rewritten (a claim names what the sentence pointed back to) or kept."""
    from factcheck.claims.segment import Sentence

    found = []
    for para in paragraphs:
        sentences, start = [], 0
        for k, item in enumerate(para["sentences"]):
            sentences.append(Sentence(item["text"], start, start + len(item["text"]), 0))
            start += len(item["text"]) + 1
        scored = extractor.score_sentences(sentences)
        claims = extractor.claims_of(scored, para["id"], threshold)
        for k, item in enumerate(para["sentences"]):
            mine = [c for c in claims if c.id.split(".")[0] == f"s{k + 1:03d}"]
            found.append((item["label"], _outcome(mine, extractor, scored[k]), mine))
    return found


def _outcome(claims: list, extractor, item) -> str:
    """What the extractor did with one sentence."""
    if not claims:
        return "dropped"
    if any(c.needs_context for c in claims):
        return "flagged"
    if extractor.check_context and any(c.text not in _plain(extractor, item.sentence.text) for c in claims):
        return "rewritten"
    return "kept"


def _plain(extractor, sentence: str) -> set[str]:
    """The claims of a sentence as split, before any rewriting from context."""
    from factcheck.claims.split import Context, standalone_claims

    return set(standalone_claims(extractor.nlp(sentence), Context())) or {sentence}  # as the extractor falls back


def rates(found: list[tuple[str, str, list]]) -> dict[str, float | int]:
    """The error rates: questions and other non-claims kept, context-dependent claims passed as standalone,
    standalone claims flagged, standalone claims dropped."""
    count = Counter((label, outcome) for label, outcome, _ in found)
    total = Counter(label for label, _, _ in found)
    share = lambda n, label: round(n / total[label], 3) if total[label] else 0.0  # noqa: E731
    return {
        "not_a_claim_kept": share(sum(count[("not_a_claim", o)] for o in ("kept", "flagged", "rewritten")), "not_a_claim"),
        "needs_context_passed": share(count[("needs_context", "kept")], "needs_context"),
        "needs_context_rewritten": share(count[("needs_context", "rewritten")], "needs_context"),
        "standalone_flagged": share(count[("standalone", "flagged")], "standalone"),
        "standalone_dropped": share(count[("standalone", "dropped")], "standalone"),
        **{f"n_{label}": total[label] for label in LABELS},
    }


def section(results: dict[str, dict], rewrites: list[tuple[str, str]]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    first = next(iter(results.values()))
    lines = [
        SECTION, "",
        f"Run on {date.today().isoformat()} with `.venv/bin/python benchmarks/bench_standalone.py{run_args()}` "
        "(2 shared CPU cores).", "",
        f"The set: `claims/standalone-sentences.jsonl`, {sum(first[f'n_{k}'] for k in LABELS)} sentences of State "
        f"Department briefings, CDC/NCHS statistics and NASA captions (public domain, sources in `claims/SOURCES.md`), "
        f"labelled for the project: {first['n_standalone']} standalone, {first['n_needs_context']} need context, "
        f"{first['n_not_a_claim']} not a claim (questions, greetings, procedure). Before = claims as split with the "
        "previous model; after = questions dropped, context checked (rewritten from the previous sentences or "
        "marked `needs_context`) with the current model. Lower is better except for rewritten.", "",
        "| run | not-a-claim kept | needs-context passed as standalone | needs-context rewritten | standalone flagged | standalone dropped |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['not_a_claim_kept']:.3f} | {r['needs_context_passed']:.3f} | "
                     f"{r['needs_context_rewritten']:.3f} | {r['standalone_flagged']:.3f} | {r['standalone_dropped']:.3f} |")
    if rewrites:
        lines += ["", "Rewrites made (sentence -> claim):", ""]
        lines += [f"- {s} -> **{c}**" for s, c in rewrites]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--baseline-model", type=Path, default=ROOT / "runs" / "checkworthiness-v1",
                        help=f"the previous model's folder (taken from git {BASELINE_COMMIT} when missing)")
    args = parser.parse_args()

    from factcheck.claims import ClaimExtractor
    from factcheck.embed import load_embedder

    embedder = load_embedder()
    paragraphs = load_set()
    before = ClaimExtractor(model_dir=baseline_model(args.baseline_model), embedder=embedder, check_context=False)
    after = ClaimExtractor(embedder=embedder)
    results, rewrites = {}, []
    for name, extractor in (("before", before), ("after", after)):
        for view, threshold in (("check-worthiness threshold 0.5", 0.5), ("every sentence", 0.0)):
            found = outcomes(extractor, paragraphs, threshold)
            results[f"{name}, {view}"] = rates(found)
            if name == "after" and threshold == 0.0:
                rewrites = [(c.sentence, c.text) for _, outcome, claims in found if outcome == "rewritten"
                            for c in claims if c.text not in _plain(extractor, c.sentence)]
    text = section(results, rewrites)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
