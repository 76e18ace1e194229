"""The verdict model's MODEL_CARD.md and its benchmarks section: Markdown templates (`templates/`, see
`cards.py`) filled from a run's recorded data (scores.json: scores, calibration, the run info)."""

from __future__ import annotations

from factcheck.train.cards import UNKNOWN, fill_template
from factcheck.train.verifier_config import SPECIALISTS

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
SPECIALIST_NAMES = tuple(stage.name for stage in SPECIALISTS)  # the `--soup` stages, as named in the run info
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


def _count(counts: dict, key: str) -> str:
    """A recorded count with thousands separators, or UNKNOWN."""
    return f"{counts[key]:,}" if key in counts else UNKNOWN


def _data_values(data: dict) -> dict[str, str]:
    """The training-data table's counts and split fractions (`verifier_data.source_counts`)."""
    from factcheck.train.verifier_data import FEVER_DEV, HELD_OUT_GENRES, SCIFACT_DEV, TAXINLI_DEV

    keys = ("snli_dev", "fever", "scifact_claims", "cad_train", "taxinli", "conjnli_train", "conjnli_sampled", "fm2_dev")
    return {**{key: _count(data, key) for key in keys},
            "fever_train_pct": f"{1 - FEVER_DEV:.0%}", "fever_dev_pct": f"{FEVER_DEV:.0%}",
            "scifact_train_pct": f"{1 - SCIFACT_DEV:.0%}", "scifact_dev_pct": f"{SCIFACT_DEV:.0%}",
            "taxinli_dev_pct": f"{TAXINLI_DEV:.0%}", "held_out_genres": " and ".join(HELD_OUT_GENRES)}


def render_card(report: dict, meta: dict) -> str:
    """The model card text (templates/verifier_card.md), filled from the run's report and the model's meta."""
    from factcheck.verify.aggregate import REFUTE_THRESHOLD, SUPPORT_THRESHOLD

    train = report.get("train", {})
    cfg = train.get("config", {})
    stage = {key: cfg.get(key, UNKNOWN) for key in ("seed", "epochs", "batch_size", "lr", "weight_decay", "warmup",
                                                       "freeze_embeddings")}
    return fill_template(
        "verifier_card.md", **stage, **_data_values(train.get("data", {})),
        name=meta["name"], size_mb=report.get("size_mb", UNKNOWN), stances=", ".join(meta["stances"]),
        max_length=meta["max_length"], config_max_length=cfg.get("max_length", UNKNOWN),
        pairs=train.get("pairs", UNKNOWN), by_source=train.get("by_source", UNKNOWN),
        command=train.get("command") or "factcheck train verifier",
        repair=_repair_line(train.get("repair")), soup=_soup_line(train), transfer=_transfer_line(train.get("transfer")),
        minutes=train.get("minutes", UNKNOWN), later_minutes=_later_minutes(train), hardware=train.get("hardware", UNKNOWN),
        eval_seconds=report.get("eval_seconds", UNKNOWN), rate=_rate(train), scores_table=scores_table(report),
        calibration=_calibration_lines(report["calibration"]), nei_miss=_nei_miss(report),
        support_threshold=f"{SUPPORT_THRESHOLD:g}", refute_threshold=f"{REFUTE_THRESHOLD:g}",
    )


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
    """The model card (or benchmarks) section on verdict-level calibration (`factcheck train verdict-confidence`),
    templates/verdict_confidence.md."""
    held = info["held_out"]
    rows = ["| held-out claims | claims | verdict accuracy | ECE, raw score | ECE, calibrated | ECE, Platt on the score (not used) |",
            "|---|---|---|---|---|---|"]
    rows += [f"| {name} | {s['claims']} | {s['accuracy']:.3f} | {s['ece_before']:.3f} | **{s['ece_after']:.3f}** | "
             f"{s['ece_platt']:.3f} |" if "ece_platt" in s else
             f"| {name} | {s['claims']} | {s['accuracy']:.3f} | {s['ece_before']:.3f} | **{s['ece_after']:.3f}** | |"
             for name, s in held.items()]
    return fill_template(
        "verdict_confidence.md", heading=heading, claims=info["fitted_on"]["claims"],
        scifact_abstracts=_count(info, "scifact_abstracts"), verifier=info.get("verifier", UNKNOWN),
        command=info.get("command") or "factcheck train verdict-confidence", date=info.get("date", UNKNOWN),
        table="\n".join(rows),
    )


def benchmarks_section(report: dict, meta: dict, heading: str = "## Verdict model") -> str:
    """The `## Verdict model` section of docs/benchmarks.md (templates/verifier_benchmarks.md)."""
    train = report.get("train", {})
    return fill_template(
        "verifier_benchmarks.md", heading=heading, name=meta["name"], size_mb=report.get("size_mb", UNKNOWN),
        command=train.get("command") or "factcheck train verifier", minutes=train.get("minutes", UNKNOWN),
        later_minutes=_later_minutes(train), hardware=train.get("hardware", UNKNOWN), scores_table=scores_table(report),
        calibration=_calibration_lines(report["calibration"]),
    )


def replace_section(text: str, section: str, heading: str = "## Verdict model") -> str:
    """Replaces (or appends) one `## ` section of a Markdown document, leaving the others as they are."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "".join(lines[end:]).lstrip("\n")
    return "".join(lines[:start]) + section.rstrip("\n") + ("\n\n" + rest if rest else "\n")
