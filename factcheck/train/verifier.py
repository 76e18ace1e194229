"""`factcheck train verifier`: fine-tunes the bundled all-MiniLM-L6-v2 into a three-way NLI
cross-encoder, calibrates it, converts it to fp16 and scores it on the held-out splits.

Stages: `train` (the first stage, then the repair, specialist and transfer stages, each from the one
before) → `finalize` (convert, calibrate on the dev split, evaluate, write calibration.json, scores.json and
MODEL_CARD.md). The recipe is one `TrainConfig` (`factcheck.train.verifier_config`); every checkpoint and
model folder is written to a temporary folder and renamed into place (`textio.atomic_dir`).
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Sequence

from factcheck.records import STANCES
from factcheck.textio import atomic_dir, atomic_write_text
from factcheck.train.verifier_config import SPECIALISTS, Specialist, TrainConfig, model_version
from factcheck.train.verifier_data import BASE_SOURCES, NLIPair

__all__ = [
    "TrainConfig",
    "set_seed",
    "length_batches",
    "subsample",
    "train",
    "run",
    "run_info",
    "repair_set",
    "balance_labels",
    "last_checkpoint",
    "contrast_stage",
    "specialist_set",
    "average_weights",
    "SPECIALISTS",
    "transfer_set",
]

BASE_MODEL = "all-MiniLM-L6-v2"


def set_seed(seed: int) -> None:
    """Seeds random, numpy and torch."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random, pool: int = 50) -> list[list[int]]:
    """Shuffles indices, sorts them by length within pools of `pool` batches, and shuffles the
    batches, so each batch pads to similar lengths (dynamic padding)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    step = batch_size * pool
    for start in range(0, len(order), step):
        chunk = sorted(order[start:start + step], key=lambda i: lengths[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def subsample(pairs: Sequence[NLIPair], max_pairs: int | None, rng: random.Random,
              keep_sources: tuple[str, ...] = ("scifact", "numbers")) -> list[NLIPair]:
    """Keeps every pair from the small, valuable sources and samples the rest to reach max_pairs."""
    if max_pairs is None or len(pairs) <= max_pairs:
        return list(pairs)
    kept = [p for p in pairs if p.source in keep_sources]
    rest = [p for p in pairs if p.source not in keep_sources]
    return kept + rng.sample(rest, max(0, min(len(rest), max_pairs - len(kept))))


def repair_set(pairs: Sequence[NLIPair], train_pairs: Sequence[NLIPair], replay: int, rng: random.Random,
               extra: Sequence[NLIPair] = ()) -> list[NLIPair]:
    """The numeric-contrast pairs together with the entailment pairs they were made from, plus a
    replay sample of the training pairs: a short second stage that stops the model from reading
    'a year or number in the claim' as contradiction (v1 subsampled the originals away). `extra`
    contrasts (entity swaps, reversed claims; see `training_contrasts`) join with their originals."""
    contrasts = [p for p in pairs if p.source == "numbers"]
    wanted = {(p.premise, p.group) for p in contrasts}
    originals = [p for p in pairs if p.label == "entailment" and p.source != "numbers" and (p.premise, p.group) in wanted]
    if extra:
        made_from = {(p.premise, p.group) for p in extra}
        originals += [p for p in pairs if p.source in BASE_SOURCES and p.label != "neutral"
                      and (p.premise, p.group) in made_from]
    seen, unique = set(), []
    for p in originals:
        if (p.premise, p.group, p.label) not in seen:
            seen.add((p.premise, p.group, p.label))
            unique.append(p)
    rest = [p for p in train_pairs if p.source != "numbers"]
    return contrasts + list(extra) + unique + rng.sample(rest, min(replay, len(rest)))


def balance_labels(stage: Sequence[NLIPair], pool: Sequence[NLIPair], rng: random.Random) -> list[NLIPair]:
    """Tops up each label of a stage to the most frequent one with pool pairs not already in it: a
    contrast stage is mostly entailment and contradiction, and a model trained on it alone forgets
    the neutral class (NOT ENOUGH INFO)."""
    from collections import Counter

    counts = Counter(p.label for p in stage)
    target = max(counts.values(), default=0)
    present = set(stage)
    out = list(stage)
    for label in sorted({p.label for p in pool}):
        candidates = [p for p in pool if p.label == label and p not in present]
        out += rng.sample(candidates, min(len(candidates), target - counts.get(label, 0)))
    return out


# The transfer stage (`--transfer`, verdict model v5): base training pairs replayed (besides the numeric
# contrasts with their originals, which always come along), reversed claims made
TRANSFER_REPLAY, TRANSFER_NEGATIONS = 10000, 1000

def specialist_set(train_pairs: Sequence[NLIPair], stage: Specialist, rng: random.Random) -> list[NLIPair]:
    """The pairs of one specialist stage: every pair of its sources, `repeat` times over, with `numeric`
    the numeric contrasts and their originals, plus a replay sample of the other training pairs."""
    own = [p for p in train_pairs if p.source in stage.sources]
    numbers = repair_set(train_pairs, (), 0, rng) if stage.numeric else []
    rest = [p for p in train_pairs if p.source not in stage.sources and not (stage.numeric and p.source == "numbers")]
    return own * stage.repeat + numbers + rng.sample(rest, min(stage.replay, len(rest)))


def average_weights(checkpoints: Sequence[Path], dest: Path, weights: Sequence[float] | None = None) -> Path:
    """Saves the average (uniform, or with `weights` summing to 1) of fine-tuned checkpoints that share an
    ancestor (a "model soup", Wortsman et al. 2022) with the first one's config and tokenizer."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    models = [AutoModelForSequenceClassification.from_pretrained(c, local_files_only=True, dtype=torch.float32)
              for c in checkpoints]
    states = [m.state_dict() for m in models]
    weights = list(weights) if weights is not None else [1.0 / len(states)] * len(states)
    averaged = {k: sum(w * state[k].float() for w, state in zip(weights, states)) for k in states[0]}
    models[0].load_state_dict(averaged)
    with atomic_dir(dest) as tmp:
        models[0].save_pretrained(tmp)
        AutoTokenizer.from_pretrained(checkpoints[0], local_files_only=True).save_pretrained(tmp)
    return dest


def _log(path: Path, **fields) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"time": time.strftime("%H:%M:%S"), **fields}) + "\n")


def _device():
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _load_base(base: str, device, freeze_embeddings: bool = False, freeze_layers: int = 0):
    """The base encoder with a fresh three-way classification head, label order = STANCES;
    optionally with the word embeddings (a third of the weights) and the lowest transformer layers
    frozen, which saves optimizer and backward time on a CPU."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from factcheck.embed import resolve_model_path

    path = resolve_model_path(base)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(STANCES), id2label=dict(enumerate(STANCES)), label2id={s: i for i, s in enumerate(STANCES)},
        local_files_only=True, dtype=torch.float32,  # a shipped fp16 model trains on in fp32
    )
    if freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    for layer in model.base_model.encoder.layer[:freeze_layers]:
        layer.requires_grad_(False)
    return tokenizer, model.to(device)


def _encode(tokenizer, pairs: Sequence[NLIPair], max_length: int, device):
    batch = tokenizer([p.premise for p in pairs], [p.hypothesis for p in pairs], truncation=True,
                      max_length=max_length, padding=True, return_tensors="pt")
    return {k: v.to(device) for k, v in batch.items()}


def _train_steps(model, tokenizer, pairs, batches, optimizer, scheduler, cfg, device, log, epoch, clock):
    """Runs one epoch over the given batches; returns (mean loss, finished); stops early once
    cfg.stop_after_min minutes have passed since the run began."""
    import torch

    label_ids = {s: i for i, s in enumerate(STANCES)}
    model.train()
    total, seen, start = 0.0, 0, time.time()
    for step, idx in enumerate(batches, 1):
        chunk = [pairs[i] for i in idx]
        inputs = _encode(tokenizer, chunk, cfg.max_length, device)
        labels = torch.tensor([label_ids[p.label] for p in chunk], device=device)
        loss = model(**inputs, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        total += loss.item()
        seen += len(chunk)
        if cfg.stop_after_min and time.time() - clock > cfg.stop_after_min * 60:
            _log(log, event="stopped", epoch=epoch, step=step, steps=len(batches))
            return total / step, False
        if step % 50 == 0 or step == len(batches):
            rate = seen / (time.time() - start)
            _log(log, epoch=epoch, step=step, steps=len(batches), loss=round(total / step, 4),
                 pairs_per_s=round(rate, 2), elapsed_min=round((time.time() - clock) / 60, 2),
                 epoch_eta_min=round((len(batches) - step) * len(chunk) / max(rate, 1e-6) / 60, 1))
    return total / max(1, len(batches)), True


def measure_rate(pairs: Sequence[NLIPair], cfg: TrainConfig, seconds: float = 45.0, base: str = BASE_MODEL) -> float:
    """Training pairs per second on this machine (forward, backward and step on a throwaway model)."""
    import torch

    device = _device()
    tokenizer, model = _load_base(base, device, cfg.freeze_embeddings, cfg.freeze_layers)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.lr)
    rng = random.Random(cfg.seed)
    sample = rng.sample(list(pairs), min(len(pairs), 4000))
    batches = length_batches([len(p.premise) + len(p.hypothesis) for p in sample], cfg.batch_size, rng)
    seen, start = 0, time.time()
    model.train()
    for idx in batches:
        chunk = [sample[i] for i in idx]
        labels = torch.tensor([STANCES.index(p.label) for p in chunk], device=device)
        model(**_encode(tokenizer, chunk, cfg.max_length, device), labels=labels).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        seen += len(chunk)
        if time.time() - start > seconds:
            break
    return seen / (time.time() - start)


def train(pairs: Sequence[NLIPair], out: Path, cfg: TrainConfig, base: str = BASE_MODEL) -> Path:
    """Fine-tunes the base encoder on the pairs; saves a checkpoint per epoch under out/ and
    returns the last one."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    out.mkdir(parents=True, exist_ok=True)
    log = out / "train.log"
    clock = time.time()
    if cfg.budget_min:
        rate = measure_rate(pairs, cfg)
        fit = int(rate * cfg.budget_min * 60 / cfg.epochs)
        _log(log, event="measured", pairs_per_s=round(rate, 2), pairs_per_epoch_that_fit=fit)
        cfg.max_pairs = min(cfg.max_pairs or fit, fit)
    set_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    pairs = subsample(pairs, cfg.max_pairs, rng)
    done = _finished_run(out, cfg, len(pairs))
    if done:
        _log(log, event="reused", checkpoint=str(done))
        return done
    _log(log, event="start", pairs=len(pairs), config=cfg.stage_dict(), device=str(_device()),
         threads=torch.get_num_threads())
    atomic_write_text(out / "train_config.json", json.dumps({**cfg.stage_dict(), "pairs": len(pairs)}, indent=2))
    device = _device()
    tokenizer, model = _load_base(base, device, cfg.freeze_embeddings, cfg.freeze_layers)
    lengths = [len(p.premise) + len(p.hypothesis) for p in pairs]
    steps = cfg.epochs * -(-len(pairs) // cfg.batch_size)
    no_decay = ("bias", "LayerNorm.weight")
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in params if not any(k in n for k in no_decay)], "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in params if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=cfg.lr)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup * steps), steps)
    last = out
    for epoch in range(1, cfg.epochs + 1):
        batches = length_batches(lengths, cfg.batch_size, rng)
        loss, finished = _train_steps(model, tokenizer, pairs, batches, optimizer, scheduler, cfg, device, log,
                                      epoch, clock)
        last = out / (f"epoch-{epoch}" if finished else f"epoch-{epoch}-partial")
        with atomic_dir(last) as tmp:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
        _log(log, event="epoch_done" if finished else "saved_partial", epoch=epoch, loss=round(loss, 4),
             checkpoint=str(last), elapsed_min=round((time.time() - clock) / 60, 2))
        if not finished:
            break
    _log(log, event="done", minutes=round((time.time() - clock) / 60, 2))
    return last


def _finished_run(out: Path, cfg: TrainConfig, pairs: int) -> Path | None:
    """The last checkpoint of an earlier run in `out` with the same config and pairs, if it finished
    every epoch: rerunning a recipe (say, after a later stage failed) does not retrain it."""
    config, last = out / "train_config.json", out / f"epoch-{cfg.epochs}"
    if not (config.is_file() and last.is_dir()):
        return None
    return last if json.loads(config.read_text()) == {**cfg.stage_dict(), "pairs": pairs} else None


def run_info(out: Path, pairs: Sequence[NLIPair] | None = None, command: str = "") -> dict:
    """What the model card records about a training run: config, pairs, time, hardware, command."""
    import os
    import platform
    from collections import Counter

    config = json.loads((out / "train_config.json").read_text()) if (out / "train_config.json").is_file() else {}
    events = [json.loads(line) for line in (out / "train.log").read_text().splitlines()] if (out / "train.log").is_file() else []
    minutes = next((e.get("elapsed_min") for e in reversed(events) if "elapsed_min" in e), None)
    start = next((e for e in events if e.get("event") == "start"), {})
    info = {"config": config, "pairs": config.get("pairs"), "minutes": minutes, "command": command,
            "hardware": f"{platform.machine()} CPU, {os.cpu_count()} cores, "
                        f"torch threads {start.get('threads', '?')}, device {start.get('device', '?')}"}
    if pairs is not None:
        rng = random.Random(config.get("seed", 13))
        if config.get("max_pairs"):
            pairs = subsample(pairs, config["max_pairs"], rng)
        info["by_source"] = dict(Counter(p.source for p in pairs))
    return info


def last_checkpoint(out: Path) -> Path:
    """The newest epoch checkpoint of a run folder (a partial one only when no epoch finished after it)."""
    found = sorted(out.glob("epoch-*"), key=lambda p: (int(p.name.split("-")[1]), "partial" not in p.name))
    if not found:
        from factcheck.errors import ModelError

        raise ModelError(f"no checkpoint in {out}; run `factcheck train verifier -o {out}` first")
    return found[-1]


def transfer_set(train_pairs: Sequence[NLIPair], extra_pairs: Sequence[NLIPair], nlp, rng: random.Random,
                 replay: int = TRANSFER_REPLAY, negations: int = TRANSFER_NEGATIONS) -> list[NLIPair]:
    """The pairs of the transfer stage: every nli-extra training pair; the claims of the base and extra
    pairs said the other way round with the same meaning (`paraphrase_contrasts`, same label) and a sample
    reversed (`negation_contrasts`, label flipped), so that a "not" is read by meaning; plus, against
    forgetting, the numeric contrasts with the pairs they were made from (`repair_set`) and a replay sample
    of the other base training pairs in which every SciFact pair is kept and FEVER, its hard negatives and
    SNLI share the rest (v5's first run replayed only SciFact and numbers, and lost 2.5 points on FEVER)."""
    from factcheck.train.verifier_data import negation_contrasts, paraphrase_contrasts, reversible

    numeric = repair_set(train_pairs, (), 0, rng)
    base = numeric + subsample([p for p in train_pairs if p.source != "numbers"], replay, rng, keep_sources=("scifact",))
    claims = reversible([p for p in [*train_pairs, *extra_pairs] if p.source not in ("numbers",)])
    same = paraphrase_contrasts(claims, nlp, rng, source="paraphrases")
    flipped = negation_contrasts(rng.sample(claims, min(len(claims), negations * 3)), nlp, rng, source="negations")
    return [*extra_pairs, *same, *flipped[:negations], *base]


def run(data_dir: Path, out: Path, cfg: TrainConfig | None = None, install_model: bool = False, command: str = "",
        snli_limit: int | None = None, init: Path | None = None) -> dict:
    """The whole recipe `cfg` (default: the shipped model's): build the data, train, a short contrast stage
    (numeric contrasts and the `cfg.contrasts` kinds, each with its original, plus replay; see `repair_set`),
    convert to fp16, calibrate, score, write the card; with install_model, copy the result into
    factcheck/models/verifier. With `cfg.soup`, the SPECIALISTS stages branch from that checkpoint and are
    averaged with it (`average_weights`). With `cfg.transfer`, a last stage trains on the nli-extra pairs with
    paraphrased and reversed claims and replay (`transfer_set`; verdict model v5). With `init`, a finished
    model folder is the start and only the transfer stage runs. A finished stage already in `out` is reused."""
    from factcheck.train.verifier_data import build_splits, source_counts
    from factcheck.train.verifier_eval import finalize, install

    cfg = cfg or TrainConfig()
    splits = build_splits(data_dir, seed=cfg.seed)
    if init is not None:  # continue from a finished model: only the transfer stage runs
        checkpoint, info = init, {"init": str(init), "command": command}
    else:
        checkpoint = train(splits["train"], out, cfg)
        info = run_info(out, splits["train"], command)
    info["recipe"] = cfg.to_dict()
    info["data"] = source_counts(data_dir)
    if cfg.repair_epochs and init is None:
        pairs = contrast_stage(splits["train"], cfg, cfg.replay, cfg.contrasts, cfg.contrast_limit)
        checkpoint = train(pairs, out / "repair", cfg.stage(cfg.repair_epochs), base=str(checkpoint))
        info["repair"] = {**run_info(out / "repair", pairs), "contrasts": list(cfg.contrasts)}
    if cfg.soup and init is None:
        members = [checkpoint]
        for stage in SPECIALISTS:
            pairs = specialist_set(splits["train"], stage, random.Random(cfg.seed))
            members.append(train(pairs, out / stage.name, cfg.stage(1), base=str(checkpoint)))
            info[stage.name] = run_info(out / stage.name, pairs)
        checkpoint = average_weights(members, out / "soup")
    if cfg.transfer:
        import spacy

        from factcheck.claims.extract import SPACY_MODEL
        from factcheck.train.verifier_data import extra_splits

        extra = extra_splits(data_dir, seed=cfg.seed).get("extra_train", [])
        pairs = transfer_set(splits["train"], extra, spacy.load(SPACY_MODEL), random.Random(cfg.seed))
        checkpoint = train(pairs, out / "transfer", cfg.stage(1), base=str(checkpoint))
        info["transfer"] = run_info(out / "transfer", pairs)
    report = finalize(checkpoint, out / "model", data_dir, seed=cfg.seed, train_info=info, snli_limit=snli_limit,
                      version=model_version(cfg.transfer))
    if install_model:
        report["installed"] = str(install(out / "model"))
    return report


def contrast_stage(train_pairs: Sequence[NLIPair], cfg: TrainConfig, replay: int, contrasts: Sequence[str] = (),
                   contrast_limit: int = 1000) -> list[NLIPair]:
    """The pairs of the second stage: `repair_set` (numeric contrasts, their originals, replay), plus the
    named `contrasts` (see `training_contrasts`) with their originals and every hard negative,
    label-balanced (`balance_labels`)."""
    trained = subsample(train_pairs, cfg.max_pairs, random.Random(cfg.seed))
    extra: list[NLIPair] = []
    if contrasts:
        import spacy

        from factcheck.claims.extract import SPACY_MODEL
        from factcheck.train.verifier_data import training_contrasts

        extra = training_contrasts(train_pairs, contrasts, spacy.load(SPACY_MODEL), random.Random(cfg.seed),
                                   limit=contrast_limit)
    rng = random.Random(cfg.seed)
    pairs = repair_set(train_pairs, trained, replay, rng, extra=extra)
    if not contrasts:
        return pairs
    # every hard negative (claims with retrieved non-evidence), so the contrasts do not teach the model
    # to call a different fact about the same subject a contradiction (docs/benchmarks.md, Verdict model)
    have = set(pairs)
    pairs += [p for p in trained if p.source.endswith("-nei") and p not in have]
    return balance_labels(pairs, trained, rng)
