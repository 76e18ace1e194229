"""Builders shared by the verify tests: a tiny random NLI model and a tiny copy of the data sets."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["make_tiny_model", "make_tiny_data"]


def make_tiny_model(path: Path, id2label: dict | None = None) -> Path:
    """Saves a tiny random BertForSequenceClassification (with the MiniLM tokenizer) in path."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from factcheck.embed import resolve_model_path

    id2label = id2label or {0: "contradiction", 1: "entailment", 2: "neutral"}
    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path("all-MiniLM-L6-v2"), local_files_only=True)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37, num_labels=3, id2label=id2label,
                        label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def _head(src: Path, dest: Path, n: int) -> list[str]:
    lines = src.read_text(encoding="utf-8").splitlines()[:n]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def make_tiny_data(data_dir: Path, dest: Path) -> Path:
    """Writes the first lines of each data set the verifier uses (in a temporary folder, never the repo)."""
    _head(data_dir / "nli" / "snli_dev.jsonl", dest / "nli" / "snli_dev.jsonl", 120)
    _head(data_dir / "nli" / "snli_test.jsonl", dest / "nli" / "snli_test.jsonl", 60)
    _head(data_dir / "nli" / "fever_nli_dev_binary.jsonl", dest / "nli" / "fever_nli_dev_binary.jsonl", 400)
    claims = [json.loads(x) for x in _head(data_dir / "scifact" / "claims_train.jsonl",
                                           dest / "scifact" / "claims_train.jsonl", 120)]
    wanted = {int(d) for c in claims for d in [*c.get("cited_doc_ids", []), *(c.get("evidence") or {})]}
    docs = [line for line in (data_dir / "scifact" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
            if json.loads(line)["doc_id"] in wanted]
    (dest / "scifact" / "corpus.jsonl").write_text("\n".join(docs) + "\n", encoding="utf-8")
    return dest
