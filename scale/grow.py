#!/usr/bin/env python3
"""Layer-wise growth of an exported Espalier model at scale: one more tier, trained with torch.distributed.

  torchrun --nproc_per_node N scale/grow.py --model HF_DIR --data FILE --steps K --out HF_DIR2

Loads a Hugging Face folder written by `espalier export --format hf` (transformers' ArceeForCausalLM), freezes the
embedding (the substrate) and every existing layer, appends a new decoder layer initialised as Espalier initialises
new blocks, and trains the new layer, the final norm and the head with DDP (or FSDP with --fsdp) on a UTF-8 text
file tokenized with the folder's tokenizer.json. Validation is Espalier's: the text's fixed hold-out (its last 10%,
starting at a blank line when the text has documents; no seed), each side cut into non-overlapping windows of T+1
tokens, mean next-token cross-entropy in nats over an evenly spread subset of the held-out windows. The result is a Hugging Face folder that `espalier import --format hf` reads back.
"""
import argparse
import datetime
import json
import os
import shutil
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F

from espalier_card import rewrite_card
from espalier_data import block_init_std, default_warmup, encode, holdout_split, learning_rate, load_tokenizer, read_text, spread_ids, tokens_sha256, windows


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="Hugging Face folder (espalier export --format hf)")
    ap.add_argument("--data", required=True, help="UTF-8 training text")
    ap.add_argument("--val", help="UTF-8 validation text (default: the last 10%% of --data, as Espalier holds out)")
    ap.add_argument("--steps", type=int, required=True, help="optimizer steps")
    ap.add_argument("--out", required=True, help="the Hugging Face folder to write")
    ap.add_argument("--context", type=int, help="window length T (default: the model's max_position_embeddings)")
    ap.add_argument("--batch", type=int, default=16, help="windows per process per step (global batch = batch × processes)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, help="linear warmup steps (default: min(100, steps/10))")
    ap.add_argument("--min-lr-ratio", type=float, default=0.1, help="cosine decay ends at lr × this")
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=1.0, help="global gradient-norm limit (0: off)")
    ap.add_argument("--eval-every", type=int, help="validate every N steps (default: steps/10) and after the last")
    ap.add_argument("--eval-windows", type=int, default=128, help="at most this many validation windows per evaluation (espalier grow: 128)")
    ap.add_argument("--init", choices=["random", "zero"], default="random", help="new layer: random, or zero output projections (starts as the identity)")
    ap.add_argument("--seed", type=int, default=0, help="seeds the batch order and the new layer (the hold-out has no seed)")
    ap.add_argument("--fsdp", action="store_true", help="shard with FSDP2 (fully_shard, one unit per layer) instead of DDP; GPUs (NCCL) or CPUs (gloo)")
    return ap.parse_args()


def log(rank, **record):
    if rank == 0:
        print(json.dumps(record), flush=True)


def new_layer(model, init, seed):
    """The appended layer, as Espalier's GPT.addBlock: N(0, σ) matrices, output projections N(0, σ/√(2·layers)), unit norms."""
    from transformers.models.arcee.modeling_arcee import ArceeDecoderLayer

    cfg = model.config
    index = cfg.num_hidden_layers
    cfg.num_hidden_layers = index + 1
    layer = ArceeDecoderLayer(cfg, layer_idx=index)
    g = torch.Generator().manual_seed(seed)
    # transformers' names for Espalier's output projections, whose σ the shared rule scales.
    espalier_part = {"self_attn.o_proj.weight": "attn.wo", "mlp.down_proj.weight": "mlp.w2"}
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if name.endswith("layernorm.weight"):
                p.fill_(1.0)
            else:
                std = block_init_std(espalier_part.get(name, name), cfg.initializer_range, cfg.num_hidden_layers, "zero-output" if init == "zero" else "scaled")
                p.copy_(torch.randn(p.shape, generator=g) * std)
    model.model.layers.append(layer)
    return index


def lr_at(step, args, warmup):
    """Espalier's schedule (espalier_data.learning_rate): linear warmup to lr, cosine to lr·min_ratio at the last step."""
    return learning_rate(step, args.steps, args.lr, warmup, args.min_lr_ratio)


def batch(w, ids):
    tokens, T = w["tokens"], w["T"]
    rows = torch.stack([tokens[s : s + T + 1] for s in w["starts"][ids].tolist()])
    return rows[:, :-1], rows[:, 1:]


def evaluate(model, val, args, rank, world, device, sharded=None):
    """Mean next-token cross-entropy (nats) over min(n, eval_windows) evenly spread held-out windows."""
    n = len(val["starts"])
    k = min(n, args.eval_windows)
    ids = spread_ids(n, k)[rank::world]
    total = torch.zeros(2, dtype=torch.float64, device=device)
    model.eval()
    with torch.no_grad():
        for s in range(0, len(ids), args.batch):
            x, y = batch(val, ids[s : s + args.batch])
            logits = model(input_ids=x.to(device)).logits
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.to(device).reshape(-1))
            total[0] += loss.double() * x.shape[0]
            total[1] += x.shape[0]
        if not ids and (args.fsdp if sharded is None else sharded):
            # Every FSDP rank must join each forward's all-gathers, even one with no windows left.
            model(input_ids=val["tokens"][: val["T"]].unsqueeze(0).to(device))
    model.train()
    dist.all_reduce(total)
    return (total[0] / total[1]).item()


def validation_label(val, args):
    """The protocol every valLoss here is measured by, worded as Espalier prints it (describeHoldout)."""
    n = len(val["starts"])
    k = min(n, args.eval_windows)
    return f"holdout: {k}{f' of {n}' if n != k else ''} evenly spread held-out windows of {val['T']} tokens"


def wrap(model, args, device):
    if args.fsdp:
        # FSDP2 (per-parameter sharding): each decoder layer is one unit, the root holds the embedding, final norm and
        # head; frozen and trainable tensors may share a unit. It runs on GPUs (NCCL) and on CPUs (gloo).
        from torch.distributed.fsdp import fully_shard

        for layer in model.model.layers:
            fully_shard(layer)
        return fully_shard(model)
    from torch.nn.parallel import DistributedDataParallel as DDP

    return DDP(model, device_ids=[device.index] if device.type == "cuda" else None)


def full_state(wrapped, model, args):
    if not args.fsdp:
        return {k: v.detach().cpu() for k, v in model.state_dict().items()}
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    return get_model_state_dict(wrapped, options=StateDictOptions(full_state_dict=True, cpu_offload=True))


def save(model, state, args, meta):
    from transformers import AutoModelForCausalLM

    tmp = args.out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    fresh = AutoModelForCausalLM.from_config(model.config, dtype=torch.float32)
    fresh.load_state_dict(state, strict=True)
    fresh.generation_config = model.generation_config
    fresh.save_pretrained(tmp, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "README.md"):
        src = os.path.join(args.model, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(tmp, name))
    side_path = os.path.join(args.model, "espalier.json")
    side = json.load(open(side_path)) if os.path.exists(side_path) else {"format": "espalier-hf", "version": 1, "frozen": [], "growth": []}
    old = meta["frozen_layers"]
    parts = ("norm1.weight", "attn.wq", "attn.wk", "attn.wv", "attn.wo", "norm2.weight", "mlp.w1", "mlp.w2")
    side["frozen"] = sorted(set(side.get("frozen", [])) | {f"blocks.{i}.{p}" for i in range(old) for p in parts})
    side.setdefault("growth", []).append(meta["growth"])
    side["exportedAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    with open(os.path.join(tmp, "espalier.json"), "w") as f:
        json.dump(side, f, indent=2)
        f.write("\n")
    readme = os.path.join(tmp, "README.md")
    old_card = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    # The card describes the model as it is now: the new depth, title, parameter counts and growth history.
    with open(readme, "w", encoding="utf-8") as f:
        f.write(rewrite_card(old_card, fresh, side, os.path.basename(args.out.rstrip("/"))))
    shutil.rmtree(args.out, ignore_errors=True)
    os.replace(tmp, args.out)


def main():
    args = parse_args()
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)

    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    if type(model).__name__ != "ArceeForCausalLM":
        sys.exit(f"{args.model}/config.json: architecture {type(model).__name__}; scale/grow.py grows ArceeForCausalLM folders from espalier export --format hf")
    T = args.context or model.config.max_position_embeddings
    if T > model.config.max_position_embeddings:
        sys.exit(f"--context {T} is longer than the model's max_position_embeddings ({model.config.max_position_embeddings})")
    tok = load_tokenizer(os.path.join(args.model, "tokenizer.json"))
    holdout = None
    if args.val:
        train_w, val_w = windows(encode(tok, read_text(args.data)), T, args.data), windows(encode(tok, read_text(args.val)), T, args.val)
    else:
        # Espalier's fixed hold-out (holdout.ts): cut the text, then tokenize each side on its own.
        train_text, val_text, holdout = holdout_split(read_text(args.data))
        train_w = windows(encode(tok, train_text), T, args.data)
        val_w = windows(encode(tok, val_text), T, f"{args.data} (held-out last {round(holdout['fraction'] * 100)}%)")

    old_layers = model.config.num_hidden_layers
    for p in model.parameters():
        p.requires_grad_(False)
    model.to(device)
    before = None
    if old_layers > 0:
        # The loss of the model as imported, so the insertion spike is visible (as Espalier's lossBeforeInsert).
        before = evaluate(model, val_w, args, rank, world, device, sharded=False)
    new_layer(model, args.init, args.seed * 7919 + old_layers)
    model.model.layers[-1].to(device)
    trainable = list(model.model.layers[-1].parameters()) + list(model.model.norm.parameters()) + list(model.lm_head.parameters())
    for p in trainable:
        p.requires_grad_(True)
    n_train = sum(p.numel() for p in trainable)
    n_total = sum(p.numel() for p in model.parameters())
    log(rank, event="start", processes=world, parallel="FSDP" if args.fsdp else "DDP", layers=model.config.num_hidden_layers, trainableParams=n_train,
        frozenParams=n_total - n_train, trainWindows=len(train_w["starts"]), valWindows=len(val_w["starts"]),
        valTokens=len(val_w["tokens"]), valTokensSha256=tokens_sha256(val_w["tokens"]), holdout=holdout, context=T, valLossBeforeInsert=before,
        validation=validation_label(val_w, args))

    wrapped = wrap(model, args, device)
    named = [(n, p) for n, p in wrapped.named_parameters() if p.requires_grad]
    decay = [p for n, p in named if p.dim() >= 2]
    rest = [p for n, p in named if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": rest, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    warmup = args.warmup if args.warmup is not None else default_warmup(args.steps)
    eval_every = args.eval_every or max(1, round(args.steps / 10))
    after = evaluate(wrapped, val_w, args, rank, world, device)
    log(rank, event="inserted", valLoss=after)

    n_train_w = len(train_w["starts"])
    order, epoch, pos = None, -1, n_train_w
    val_loss = after
    loss_v = None
    wrapped.train()
    for step in range(1, args.steps + 1):
        need = args.batch * world
        ids = []
        while len(ids) < need:
            if pos >= n_train_w:
                epoch, pos = epoch + 1, 0
                order = torch.randperm(n_train_w, generator=torch.Generator().manual_seed(args.seed * 1_000_003 + epoch)).tolist()
            take = min(need - len(ids), n_train_w - pos)
            ids += order[pos : pos + take]
            pos += take
        x, y = batch(train_w, ids[rank * args.batch : (rank + 1) * args.batch])
        for group in opt.param_groups:
            group["lr"] = lr_at(step, args, warmup)
        logits = wrapped(input_ids=x.to(device)).logits
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.to(device).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_([p for _, p in named], args.clip)
        opt.step()
        mean = loss.detach().clone()
        dist.all_reduce(mean)
        loss_v = mean.item() / world
        record = {"step": step, "loss": loss_v, "lr": group["lr"]}
        if step % eval_every == 0 or step == args.steps:
            val_loss = evaluate(wrapped, val_w, args, rank, world, device)
            record["valLoss"] = val_loss
        log(rank, **record)

    state = full_state(wrapped, model, args)
    if rank == 0:
        growth = {"depth": model.config.num_hidden_layers, "steps": args.steps, "valLoss": val_loss, "valLossBeforeInsert": before, "valLossAfterInsert": after,
                  "trainLoss": loss_v, "trainer": f"scale/grow.py ({world} processes, {'FSDP' if args.fsdp else 'DDP'})", "processes": world,
                  "parallel": "FSDP" if args.fsdp else "DDP", "context": T, "globalBatch": args.batch * world, "lr": args.lr, "seed": args.seed,
                  "data": os.path.basename(args.data), "holdout": holdout,
                  "evalWindows": args.eval_windows, "validation": validation_label(val_w, args)}
        save(model, state, args, {"frozen_layers": old_layers, "growth": growth})
        log(rank, event="saved", out=args.out, layers=model.config.num_hidden_layers, valLoss=val_loss)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
