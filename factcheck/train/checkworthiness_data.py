"""The check-worthiness training data: ClaimBuster, the CLEF 2020 CheckThat! debates (task 5) and tweets
(task 1), the held-out block of debates, and a feature cache (sentence embeddings + hand features).

The debates file runs debate after debate, in order. The last debates, from the sentence that opens the
2016 Republican town hall ("Welcome to all of you who are joining us.", row 33,250 of 42,776), are held out
for evaluation (9,526 sentences, 90 checked); the block before them, from row 27,144 (a speech that opens
with "Good afternoon."), is the development block for choosing the model (6,106 sentences, 81 checked).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from factcheck.claims.features import FEATURE_NAMES, hand_features
from factcheck.errors import InputError

__all__ = [
    "Sentences", "read_claimbuster", "read_debates", "read_tweets", "debate_blocks", "cached_features",
    "HELD_OUT_START", "HELD_OUT_FIRST", "DEV_START",
]

HELD_OUT_START = 33250  # first row of the held-out debates (a new debate starts there)
HELD_OUT_FIRST = "Welcome to all of you who are joining us."
DEV_START = 27144  # first row of the development debates: a speech opens there ("Good afternoon.")


@dataclass(frozen=True)
class Sentences:
    """Sentences and their 0/1 check-worthiness labels, with the set they come from."""

    name: str
    texts: list[str]
    labels: Any  # numpy int array

    def __len__(self) -> int:
        return len(self.texts)

    def part(self, start: int, end: int | None = None, name: str | None = None) -> "Sentences":
        """A contiguous slice of the sentences."""
        return Sentences(name or self.name, self.texts[start:end], self.labels[start:end])


def read_claimbuster(data_dir: Path, split: str) -> Sentences:
    """Reads checkworthiness/claimbuster_two_class_{split}.json."""
    import numpy as np

    path = data_dir / "checkworthiness" / f"claimbuster_two_class_{split}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return Sentences(f"claimbuster-{split}", [r["text"] for r in rows], np.array([int(r["label"]) for r in rows]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read the ClaimBuster {split} set ({exc}); set --data-dir to ../shared/data") from None


def _tsv(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[int]]:
    """Reads two columns of a tab-separated file with a header (quotes are text, not field delimiters)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        return [r[text_column].strip() for r in rows], [int(r[label_column]) for r in rows]
    except (OSError, ValueError, KeyError, TypeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read the CheckThat! file ({exc}); set --data-dir to ../shared/data") from None


def read_debates(data_dir: Path) -> Sentences:
    """Reads the CLEF 2020 task 5 debates (checkworthiness/clef2020_task5_debates/train.tsv), in file order."""
    import numpy as np

    path = data_dir / "checkworthiness" / "clef2020_task5_debates" / "train.tsv"
    texts, labels = _tsv(path, "text", "label")
    texts = [t[1:-1].replace('""', '"') if len(t) > 1 and t[0] == t[-1] == '"' else t for t in texts]
    return Sentences("clef2020-debates", texts, np.array(labels))


def read_tweets(data_dir: Path) -> Sentences:
    """Reads the CLEF 2020 task 1 tweets (training_v2.tsv and dev_v2.tsv together)."""
    import numpy as np

    folder = data_dir / "checkworthiness" / "clef2020_task1_tweets"
    texts, labels = [], []
    for name in ("training_v2.tsv", "dev_v2.tsv"):
        part_texts, part_labels = _tsv(folder / name, "tweet_text", "check_worthiness")
        texts += [" ".join(t.split()) for t in part_texts]
        labels += part_labels
    return Sentences("clef2020-tweets", texts, np.array(labels))


def debate_blocks(debates: Sentences, dev_start: int = DEV_START,
                  held_out_start: int = HELD_OUT_START) -> tuple[Sentences, Sentences, Sentences]:
    """(training debates, development debates, held-out debates): three contiguous blocks. The default cut
    is checked against the CLEF 2020 file (a new debate must start at the held-out block)."""
    if held_out_start == HELD_OUT_START and (len(debates) <= held_out_start or debates.texts[held_out_start] != HELD_OUT_FIRST):
        raise InputError(f"{debates.name}: row {held_out_start} is not the first sentence of the held-out debates "
                         f"({HELD_OUT_FIRST!r}); the file differs from the CLEF 2020 release the split was made for")
    return (debates.part(0, dev_start, "clef2020-debates-train"),
            debates.part(dev_start, held_out_start, "clef2020-debates-dev"),
            debates.part(held_out_start, None, "clef2020-debates-heldout"))


def cached_features(texts: Sequence[str], embedder: Any, nlp: Any, cache: Path | None, progress: bool = False,
                    chunk: int = 2000, reverse: bool = False) -> tuple[Any, Any]:
    """Sentence embeddings and hand features. With a `cache` folder, each chunk of `chunk` texts is read from
    an .npz named by a hash of its texts and the embedder when there, else computed and saved, so an
    interrupted run resumes and two processes (one with `reverse`) can share the work."""
    import numpy as np

    texts = list(texts)
    whole = _cache_path(texts, embedder, cache)
    if whole is not None and whole.is_file():
        return _load(whole)
    starts = list(range(0, len(texts), chunk))
    parts: dict[int, tuple[Any, Any]] = {}
    for start in reversed(starts) if reverse else starts:
        part = texts[start: start + chunk]
        path = _cache_path(part, embedder, cache)
        if path is not None and path.is_file():
            parts[start] = _load(path)
            continue
        emb = embedder.encode(part, batch_size=64, progress=progress)
        hand = np.array([hand_features(d) for d in nlp.pipe(part, batch_size=256)], dtype=np.float32)
        parts[start] = (emb, hand)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.stem + f".{os.getpid()}.tmp.npz")
            np.savez(tmp, embedding=emb, hand=hand)
            tmp.replace(path)
    if not starts:
        return np.zeros((0, getattr(embedder, "dim", 384)), dtype=np.float32), np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return (np.vstack([parts[s][0] for s in starts]), np.vstack([parts[s][1] for s in starts]))


def _cache_path(texts: Sequence[str], embedder: Any, cache: Path | None) -> Path | None:
    """The cache file of a list of texts."""
    if cache is None:
        return None
    key = hashlib.sha1("\n".join([embedder.name, ",".join(FEATURE_NAMES), *texts]).encode("utf-8")).hexdigest()[:16]
    return cache / f"features-{key}.npz"


def _load(path: Path) -> tuple[Any, Any]:
    """Reads one cached features file."""
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return data["embedding"], data["hand"]
