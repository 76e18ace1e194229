"""The CheckThat! claim-matching data sets (`claim-matching/` in the data folder): the PolitiFact and
Snopes fact-check collections, and queries (debate sentences, tweets) with the ids of the fact-checks
that check them. Debate sentences get their speaker, date and the sentences before them from the
transcripts; tweets the date at their end."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from factcheck.errors import InputError
from factcheck.factchecks.importers import iso_date
from factcheck.factchecks.matcher import Query

__all__ = ["COLLECTIONS", "SPLITS", "load_split", "CONTEXT_LINES"]

COLLECTIONS = {"politifact": ("politifact_factchecks.jsonl", "politifact.com"), "snopes": ("snopes_factchecks.jsonl", "snopes.com")}
SPLITS = {"debates": "politifact", "tweets": "snopes"}  # query set -> the collection it is matched against
_LINK = re.compile(r"https?://\S+|pic\.twitter\.com/\S+")
CONTEXT_LINES = 3  # sentences before a debate sentence read with it (benchmarks/bench_claim_matching.py --sweep)


def _transcript(folder: Path, name: str, cache: dict) -> dict[int, tuple[str, str]]:
    """A transcript's lines by number: (speaker, sentence); empty when the transcript is absent."""
    if name not in cache:
        path = folder / f"{name}.tsv"
        lines: dict[int, tuple[str, str]] = {}
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    if len(row) >= 3 and row[0].strip().isdigit():
                        lines[int(row[0])] = (row[1].strip(), row[2].strip())
        cache[name] = lines
    return cache[name]


def _debate_query(record: dict, folder: Path, cache: dict, context_lines: int) -> Query:
    """A debate sentence with its speaker, the debate's date (from the id) and the previous sentences."""
    name, _, line = record["id"].rpartition("_")
    lines = _transcript(folder, name, cache)
    number = int(line) if line.isdigit() else -1
    speaker = lines.get(number, ("", ""))[0]
    before = [lines[n][1] for n in range(number - context_lines, number) if n in lines]
    stamp = name[:8]
    date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp.isdigit() else None
    return Query(id=record["id"], text=record["text"], speaker=speaker, date=date, context=" ".join(before))


def _tweet_query(record: dict) -> Query:
    """A tweet as its text without links, and the author and date of its embed signature
    ("... https://t.co/x — Name (@handle) May 4, 2016") as speaker and date."""
    text, _, signature = record["text"].rpartition(" — ")
    if not text:  # no signature
        text, signature = record["text"], ""
    author = signature.split("(@", 1)[0].strip()
    clean = " ".join(_LINK.sub(" ", text).split()) or record["text"]
    return Query(id=record["id"], text=clean, speaker=author, date=iso_date(signature))


def load_split(data_dir: Path, split: str, part: str, context_lines: int = CONTEXT_LINES) -> tuple[list[Query], dict[str, list[str]]]:
    """The queries of `split` ("debates" or "tweets") `part` ("train" or "dev") and their relevant fact-check ids."""
    path = Path(data_dir) / "claim-matching" / f"{split}_{part}.jsonl"
    if not path.is_file():
        raise InputError(f"{path}: not found; set FACTCHECK_DATA_DIR to the data sets folder")
    queries, qrels, cache = [], {}, {}
    folder = path.parent / "transcripts"
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        record = json.loads(line)
        if split == "debates":
            queries.append(_debate_query(record, folder, cache, context_lines))
        else:
            queries.append(_tweet_query(record))
        qrels[record["id"]] = list(record["relevant"])
    return queries, qrels
