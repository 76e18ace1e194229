"""The fine-tuned check-worthiness member: MiniLM's top layers trained as a sentence classifier on what
fact-checkers chose, then exported with the frozen bottom layers and the head as one int8 ONNX graph, which
`CheckworthinessModel` runs with onnxruntime (no torch when scoring).

Training: the bottom `start_layer` layers stay the bundled embedder's own, and their token states are computed
once; copies of the top layers, mean pooling (normalised, as the embedder pools) and a logistic head are trained
with the same per-source class balance and source weights as the frozen-feature members. The debates have
~27,000 negatives: each epoch samples `negatives` of them (a new sample per epoch, each weighted up by the share it
stands for), so an epoch costs about a third of the full set with the same expected loss. A checkpoint is
written after each epoch (in the feature cache), and a rerun resumes from the last one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Sequence

__all__ = ["FINETUNE_SPEC", "MEMBER_FOLDER", "finetune_member", "epoch_sample", "export_member"]

MEMBER_FOLDER = "finetuned"  # the int8 ONNX classifier's folder inside the model folder
FINETUNE_SPEC = {"kind": "finetuned-onnx", "start_layer": 3, "lr": 1e-4, "epochs": 3, "batch_size": 32,
                 "negatives": {"debates": 3000}, "max_length": 64, "folder": MEMBER_FOLDER}


def epoch_sample(labels: dict[str, Any], shares: dict[str, float], negatives: dict[str, int],
                 epoch: int, seed: int) -> tuple[list[tuple[str, int]], Any]:
    """The (source, row) pairs of one epoch and their loss weights: within each source the two classes weigh
    the same and the source weighs its share; a source in `negatives` keeps that many of its negatives, drawn
    anew each epoch and weighted up to stand for all of them. Weights average 1."""
    import numpy as np

    rng = np.random.RandomState(seed + epoch)
    rows, weights = [], []
    for name, y in labels.items():
        pos = max(float(y.mean()), 1e-9)
        weight = np.where(y == 1, 0.5 / pos, 0.5 / max(1 - pos, 1e-9)) * shares[name] / len(y)
        keep = np.arange(len(y))
        negative = np.flatnonzero(y == 0)
        if name in negatives and negatives[name] < len(negative):
            keep = np.sort(np.concatenate([np.flatnonzero(y == 1), rng.choice(negative, negatives[name], replace=False)]))
            weight = np.where(y == 0, weight * len(negative) / negatives[name], weight)
        rows += [(name, int(i)) for i in keep]
        weights.append(weight[keep])
    weight = np.concatenate(weights)
    return rows, weight * len(weight) / weight.sum()


def _length_batches(lengths: Any, size: int, epoch: int, seed: int) -> list[Any]:
    """Shuffled batches of similar-length sentences (little padding), reproducible per epoch."""
    import numpy as np

    rng = np.random.RandomState(seed + 1000 + epoch)
    order, batches = rng.permutation(len(lengths)), []
    for start in range(0, len(order), size * 20):
        chunk = order[start: start + size * 20]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i: i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _bottom_states(auto: Any, tokenizer: Any, texts: Sequence[str], spec: dict[str, Any],
                   progress: Callable[[Any, str], Any]) -> list[Any]:
    """Per-sentence token states after the frozen bottom layers (fp16 to halve the memory), shortest first."""
    import numpy as np

    from factcheck.claims.finetuned import bottom_states

    order = np.argsort([len(t) for t in texts], kind="stable")
    states: list[Any] = [None] * len(texts)
    for i in progress(range(0, len(texts), 128), "frozen layers"):
        idx = order[i: i + 128]
        batch, mask = bottom_states(auto, tokenizer, [texts[j] for j in idx], spec["start_layer"], spec["max_length"])
        for row, j in enumerate(idx):
            states[j] = batch[row, : int(mask[row].sum())].half()
    return states


def _run_key(texts: dict[str, list[str]], shares: dict[str, float], spec: dict[str, Any], seed: int) -> str:
    """A hash naming a training run by its data, source weights, recipe and seed (its checkpoints' folder)."""
    digest = hashlib.sha1(json.dumps([spec, shares, seed], sort_keys=True).encode("utf-8"))
    for name in sorted(texts):
        digest.update("\n".join([name, *texts[name]]).encode("utf-8"))
    return digest.hexdigest()[:16]


def finetune_member(texts: dict[str, list[str]], labels: dict[str, Any], shares: dict[str, float], embedder: Any,
                    spec: dict[str, Any], seed: int, checkpoints: Path | None, progress: Callable[[Any, str], Any],
                    log: Callable[[str], None]) -> Any:
    """Trains the top layers and head (`TopLayers`) on the sources' sentences; resumes from the last epoch
    checkpoint in `checkpoints`/<run key> when there."""
    import numpy as np
    import torch

    from factcheck.claims.finetuned import TopLayers, encoder_parts, pad

    torch.manual_seed(seed)
    auto, tokenizer = encoder_parts(embedder)
    top = TopLayers(auto, spec["start_layer"])
    optimizer = torch.optim.AdamW(top.parameters(), lr=spec["lr"], weight_decay=0.01)
    plans = [epoch_sample(labels, shares, spec["negatives"], epoch, seed) for epoch in range(spec["epochs"])]
    steps = sum(-(-len(rows) // spec["batch_size"]) for rows, _ in plans)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=spec["lr"], total_steps=steps, pct_start=0.1)
    folder = checkpoints / f"finetune-{_run_key(texts, shares, spec, seed)}" if checkpoints else None
    done = _resume(folder, top, optimizer, schedule, spec["epochs"], log)
    if done < spec["epochs"]:
        states = {name: _bottom_states(auto, tokenizer, texts[name], spec, progress) for name in texts}
        batches = [_length_batches(np.array([states[n][i].shape[0] for n, i in rows]), spec["batch_size"], epoch, seed)
                   for epoch, (rows, _) in enumerate(plans)]
    for epoch in range(done, spec["epochs"]):
        (rows, weight), total = plans[epoch], 0.0
        top.train(True)
        for step, batch in enumerate(progress(batches[epoch], f"fine-tuning, epoch {epoch + 1}/{spec['epochs']}")):
            logits = top.logits(*pad([states[rows[i][0]][rows[i][1]].float() for i in batch]))
            target = torch.tensor([labels[rows[i][0]][rows[i][1]] for i in batch], dtype=torch.float32)
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none")
                    * torch.tensor(weight[batch], dtype=torch.float32)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
        log(f"fine-tuning epoch {epoch + 1}/{spec['epochs']}: {len(rows):,} sentences, "
            f"mean loss {total / len(batches[epoch]):.4f}")
        _checkpoint(folder, top, optimizer, schedule, epoch + 1)
    top.train(False)
    return top


def _checkpoint(folder: Path | None, top: Any, optimizer: Any, schedule: Any, epoch: int) -> None:
    """Saves the trainable state after an epoch (atomically: a checkpoint is whole or absent)."""
    if folder is None:
        return
    import torch

    from factcheck.textio import atomic_dir

    with atomic_dir(folder / f"epoch-{epoch}") as tmp:
        torch.save({"layers": top.layers.state_dict(), "head": top.head.state_dict(), "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(), "rng": torch.get_rng_state()}, tmp / "state.pt")


def _resume(folder: Path | None, top: Any, optimizer: Any, schedule: Any, epochs: int, log: Callable[[str], None]) -> int:
    """Loads the last epoch checkpoint in `folder`; returns the number of epochs it completed (0: none)."""
    if folder is None:
        return 0
    import torch

    done = max((e for e in range(1, epochs + 1) if (folder / f"epoch-{e}" / "state.pt").is_file()), default=0)
    if done:
        state = torch.load(folder / f"epoch-{done}" / "state.pt", weights_only=True)
        top.layers.load_state_dict(state["layers"])
        top.head.load_state_dict(state["head"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        torch.set_rng_state(state["rng"])
        log(f"fine-tuning resumed after epoch {done} from {folder}")
    return done


def _classifier(auto: Any, top: Any) -> Any:
    """One torch module: the embedder's embeddings and bottom layers, the fine-tuned top layers, mean pooling
    and the head, returning the logit (batch x 1)."""
    import torch

    from factcheck.claims.finetuned import bottom_layers

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embeddings, self.bottom = auto.embeddings, torch.nn.ModuleList(bottom_layers(auto, top.start))
            self.top, self.head = top.layers, top.head

        def forward(self, input_ids, attention_mask, token_type_ids):
            mask = attention_mask.to(torch.float32)
            states = self.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
            additive = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
            for layer in [*self.bottom, *self.top]:
                states = layer(states, attention_mask=additive)
                states = states[0] if isinstance(states, tuple) else states
            pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
            return self.head(torch.nn.functional.normalize(pooled, dim=-1) * 10.0)

    return Classifier().eval()


def export_member(top: Any, embedder: Any, folder: Path, spec: dict[str, Any]) -> Path:
    """Writes the classifier as int8 ONNX (onnxruntime's BERT fusion, weights int8 per channel) into `folder`
    with the embedder's tokenizer, as `factcheck train quantize` does for the embedder."""
    from factcheck.claims.finetuned import encoder_parts
    from factcheck.embed import resolve_model_path
    from factcheck.train.quantize import build_module

    auto, _tokenizer = encoder_parts(embedder)
    build_module(_classifier(auto, top), Path(resolve_model_path(embedder.name)), folder, "checkworthiness",
                 spec["max_length"], f"{embedder.name}, layers {spec['start_layer']}+ fine-tuned")
    return folder
