"""Same-event matching of figures: does the number check compare a claim's figure only with evidence figures of
the same event? Measured on tests/data/same_event_pairs.jsonl (sentence pairs written for the project, six
domains, each labelled whether its two figures describe one event), for the word rules before the shared text
toolkit (five-letter prefixes plus kill/displace/law synonyms, re-implemented here as the baseline), the Snowball
stems alone, and the stems plus MiniLM word similarity at several thresholds (the pipeline's `EmbeddedWords`).

    nice .venv/bin/python benchmarks/bench_same_event.py [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

from factcheck.claims.dates import find_dates  # noqa: E402
from factcheck.claims.quantities import find_quantities  # noqa: E402
from factcheck.verify.numeric import EVENT_SIMILARITY, EmbeddedWords, event_words, same_event_words  # noqa: E402

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "data" / "same_event_pairs.jsonl"
HEADING = "## Same-event matching of figures"
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75)
# the rules this replaces (factcheck/verify/numeric.py before issue 21), kept here only as the baseline
_OLD_SYNONYMS = {
    "death": "kill", "deaths": "kill", "died": "kill", "dead": "kill", "killing": "kill", "killed": "kill",
    "kills": "kill", "lives": "kill", "fatalities": "kill", "casualties": "kill",
    "displacement": "displace", "displaced": "displace", "fled": "displace", "refugees": "displace",
    "enacted": "law", "signed": "law", "passed": "law", "became": "law", "law": "law",
}


def first_mention_words(text: str) -> set[str]:
    """The event words of a sentence's first figure (a quantity, else a date)."""
    mentions = find_quantities(text) or find_dates(text)
    m = mentions[0]
    return event_words(text, m.start, m.end)


def old_rule(a: set[str], b: set[str]) -> bool:
    """Five-letter prefixes with the synonym folds of the Syria article."""
    fold = lambda words: {_OLD_SYNONYMS.get(w, w[:5]) for w in words}  # noqa: E731
    return bool(fold(a) & fold(b))


def accuracy(rows: list[dict], decide) -> tuple[float, int, int]:
    """Accuracy, false "same" (figures of two events compared) and missed "same" (figures left unchecked)."""
    false_same = sum(1 for r in rows if decide(r) and not r["same"])
    missed = sum(1 for r in rows if not decide(r) and r["same"])
    return 1 - (false_same + missed) / len(rows), false_same, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the section of docs/benchmarks.md")
    args = parser.parse_args()
    from factcheck.embed import load_embedder

    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        r["a"], r["b"] = first_mention_words(r["claim"]), first_mention_words(r["evidence"])
    similar = EmbeddedWords(load_embedder())
    for r in rows:
        r["cosine"] = similar(sorted(r["a"]), sorted(r["b"])) if r["a"] and r["b"] else 0.0
    methods = {
        "five-letter prefixes + kill/displace/law synonyms (before)": lambda r: old_rule(r["a"], r["b"]),
        "Snowball stems (+ derived: one stem starts the other)": lambda r: same_event_words(r["a"], r["b"]),
    }
    for t in THRESHOLDS:
        mark = " (chosen)" if t == EVENT_SIMILARITY else ""
        methods[f"stems, or MiniLM word cosine >= {t}{mark}"] = (
            lambda r, t=t: same_event_words(r["a"], r["b"]) or r["cosine"] >= t
        )
    cpu = subprocess.run("lscpu | grep 'Model name'", shell=True, capture_output=True, text=True).stdout.split(":")[-1].strip()
    domains = sorted({r["domain"] for r in rows})
    lines = [
        HEADING, "",
        f"`benchmarks/bench_same_event.py{run_args()}`: {len(rows)} sentence pairs written for the project "
        f"({', '.join(domains)}), each labelled whether the claim's first figure and the evidence's describe one "
        f"event (`tests/data/same_event_pairs.jsonl`). A false \"same\" compares figures of two events (a wrong "
        f"mismatch can refute a true claim); a missed one leaves the figure unchecked. CPU: {cpu}.", "",
        "| rule | accuracy | false same | missed same |", "|---|---|---|---|",
    ]
    for name, decide in methods.items():
        acc, false_same, missed = accuracy(rows, decide)
        lines.append(f"| {name} | {acc:.3f} | {false_same} | {missed} |")
    lines += ["", "Pairs the chosen rule gets wrong:", ""]
    chosen = methods[next(k for k in methods if "(chosen)" in k)]
    for r in rows:
        if chosen(r) != r["same"]:
            lines.append(f"- {r['domain']}: {sorted(r['a'])} / {sorted(r['b'])}, cosine {r['cosine']:.2f}, labelled {'same' if r['same'] else 'different'}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
