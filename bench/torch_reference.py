#!/usr/bin/env python3
"""PyTorch reference of Espalier's GPT (same architecture and weight layout), for two jobs:

  logits DIR --ids 5,17,42     load an exported Espalier model folder, print next-token logits as JSON
  grads DIR --ids .. --targets ..  the mean next-token loss and the gradient of every trainable tensor, as JSON
                               (--frozen names stay fixed; --lora FILE adds LoRA adapters to the weights)
  bench --vocab 4096 ...       train the same architecture for N steps on random tokens, print tokens/s

The folder format is documented in README.md ("Model folders"). Weight matrices are stored [in, out]
(y = x @ W), so no transposes are needed here either.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

# Espalier's training rules (initialisation, schedule) live once, in scale/espalier_data.py, for both Python users.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scale"))
from espalier_data import block_init_std, default_warmup, learning_rate  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} has dtype {info['dtype']}, expected F32")
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(raw[base + a : base + b]), dtype=torch.float32)
        out[name] = t.reshape(info["shape"]) if info["shape"] else t.reshape(())
    return out


class _Params(dict):
    """Parameters by Espalier's stable names; torch registers them with the dots replaced."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def __setitem__(self, name, param):
        self.module.register_parameter(name.replace(".", "__"), param)
        super().__setitem__(name, param)


class GPT(torch.nn.Module):
    def __init__(self, cfg, substrate):
        super().__init__()
        self.cfg = cfg
        d, v = cfg["dModel"], cfg["vocabSize"]
        f = round(cfg["mlpRatio"] * d)
        self.register_buffer("substrate", substrate)
        self.p = _Params(self)
        self.lora = {}  # weight name -> (A [in, r], B [r, out]): y = x @ W + scale * (x @ A) @ B
        self.lora_scale = 1.0
        P = torch.nn.Parameter
        if cfg["embedding"] == "trainable":
            self.p["embed.weight"] = P(substrate.clone())
        if cfg["inputProjection"] == "frozen-random":
            self.p["embed.proj"] = P(torch.randn(cfg["substrateDim"], d) / math.sqrt(d), requires_grad=False)
        for i in range(cfg["layers"]):
            for k in ("norm1", "norm2"):
                self.p[f"blocks.{i}.{k}.weight"] = P(torch.ones(d))
                if cfg["norm"] == "layernorm":
                    self.p[f"blocks.{i}.{k}.bias"] = P(torch.zeros(d))
            # As GPT.create (model/init.ts): N(0, 0.02) matrices, output projections scaled by 1/√(2·layers).
            std = lambda part: block_init_std(part, 0.02, cfg["layers"])
            for w in ("wq", "wk", "wv", "wo"):
                self.p[f"blocks.{i}.attn.{w}"] = P(torch.randn(d, d) * std(f"attn.{w}"))
            self.p[f"blocks.{i}.mlp.w1"] = P(torch.randn(d, f) * std("mlp.w1"))
            self.p[f"blocks.{i}.mlp.w2"] = P(torch.randn(f, d) * std("mlp.w2"))
        self.p["final_norm.weight"] = P(torch.ones(d))
        if cfg["norm"] == "layernorm":
            self.p["final_norm.bias"] = P(torch.zeros(d))
        self.p["head.weight"] = P(torch.randn(d, v) * 0.02)

    def lin(self, x, name):
        y = x @ self.p[name]
        if name in self.lora:
            a, b = self.lora[name]
            y = y + (x @ a) @ b * self.lora_scale
        return y

    def norm(self, x, prefix):
        c = self.cfg
        if c["norm"] == "rmsnorm":
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + c["normEps"]) * self.p[prefix + ".weight"]
        return F.layer_norm(x, (x.shape[-1],), self.p[prefix + ".weight"], self.p[prefix + ".bias"], c["normEps"])

    def rope_tables(self, T, dh):
        c = self.cfg
        pos = torch.arange(T, dtype=torch.float64)[:, None]
        inv = c["ropeBase"] ** (-torch.arange(0, dh, 2, dtype=torch.float64) / dh)
        ang = pos * inv[None, :]
        return torch.cos(ang).float().to(self.substrate.device), torch.sin(ang).float().to(self.substrate.device)

    def forward(self, tokens):
        c = self.cfg
        B, T = tokens.shape
        d, H = c["dModel"], c["heads"]
        dh = d // H
        table = self.p["embed.weight"] if "embed.weight" in self.p else self.substrate
        x = table[tokens]
        if "embed.proj" in self.p:
            x = x @ self.p["embed.proj"]
        x = x * c["inputScale"]
        cos, sin = self.rope_tables(T, dh)

        def rot(t):  # t: [B, H, T, dh], half-split rotary
            t1, t2 = t[..., : dh // 2], t[..., dh // 2 :]
            return torch.cat([t1 * cos - t2 * sin, t2 * cos + t1 * sin], -1)

        mask = torch.full((T, T), float("-inf"), device=tokens.device).triu(1)
        for i in range(c["layers"]):
            b = f"blocks.{i}"
            a = self.norm(x, b + ".norm1")
            heads = lambda t: t.view(B, T, H, dh).transpose(1, 2)
            q = rot(heads(self.lin(a, b + ".attn.wq")))
            k = rot(heads(self.lin(a, b + ".attn.wk")))
            v = heads(self.lin(a, b + ".attn.wv"))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + mask, -1)
            o = (att @ v).transpose(1, 2).reshape(B, T, d)
            x = x + self.lin(o, b + ".attn.wo")
            h = F.gelu(self.lin(self.norm(x, b + ".norm2"), b + ".mlp.w1"), approximate="tanh")
            x = x + self.lin(h, b + ".mlp.w2")
        return self.norm(x, "final_norm") @ self.p["head.weight"]


def load_folder(folder):
    with open(os.path.join(folder, "config.json")) as f:
        meta = json.load(f)
    cfg = meta["config"]
    sub = read_safetensors(os.path.join(folder, meta["substrate"]["file"]))["embeddings"]
    model = GPT(cfg, sub)
    weights = read_safetensors(os.path.join(folder, "model.safetensors"))
    with torch.no_grad():
        for name, p in model.p.items():
            if name not in weights:
                raise SystemExit(f"{folder}/model.safetensors: missing tensor {name}")
            p.copy_(weights[name])
    return model


def cmd_logits(args):
    torch.set_num_threads(1)
    model = load_folder(args.folder)
    ids = torch.tensor([[int(s) for s in args.ids.split(",")]])
    with torch.no_grad():
        logits = model(ids)[0]
    rows = logits if args.all else logits[-1:]
    print(json.dumps({"logits": rows.tolist()}))


def cmd_grads(args):
    torch.set_num_threads(1)
    model = load_folder(args.folder)
    frozen = set(filter(None, args.frozen.split(",")))
    for name, p in model.p.items():
        p.requires_grad_(name not in frozen and name != "embed.proj")
    named = {n: p for n, p in model.p.items() if p.requires_grad}
    if args.lora:
        model.lora_scale = args.lora_scale
        tensors = read_safetensors(args.lora)
        for name, a in tensors.items():
            if name.endswith(".lora_a"):
                w = name[: -len(".lora_a")]
                pa, pb = a.clone().requires_grad_(True), tensors[w + ".lora_b"].clone().requires_grad_(True)
                model.lora[w] = (pa, pb)
                named[w + ".lora_a"], named[w + ".lora_b"] = pa, pb
    ids = torch.tensor([int(s) for s in args.ids.split(",")]).reshape(args.batch, -1)
    targets = torch.tensor([int(s) for s in args.targets.split(",")])
    loss = F.cross_entropy(model(ids).reshape(-1, model.cfg["vocabSize"]), targets)
    loss.backward()
    print(json.dumps({"loss": loss.item(), "grads": {n: p.grad.reshape(-1).tolist() for n, p in named.items()}}))


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dev = torch.device(args.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: this PyTorch build sees no CUDA GPU")
    cfg = dict(vocabSize=args.vocab, layers=args.layers, dModel=args.d_model, heads=args.heads, contextLength=args.context,
               mlpRatio=args.mlp / args.d_model, norm="rmsnorm", normEps=1e-5, ropeBase=10000.0, substrateDim=args.d_model,
               inputProjection="none", inputScale=1.0, embedding="frozen")
    sub = F.normalize(torch.randn(args.vocab, args.d_model), dim=-1)
    # float32 throughout (TF32 stays off, PyTorch's default for matmuls), as in Espalier on every backend.
    model = GPT(cfg, sub).to(dev)
    decay = [p for n, p in model.p.items() if n.endswith((".wq", ".wk", ".wv", ".wo", ".w1", ".w2")) or n == "head.weight"]
    rest = [p for n, p in model.p.items() if p.requires_grad and all(p is not q for q in decay)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.95))
    g = torch.Generator().manual_seed(1)
    total = args.warmup + args.steps
    at = {"step": 0}

    def step():
        # Espalier's warmup + cosine schedule over the whole run, as its Trainer sets it each step.
        at["step"] += 1
        for group in opt.param_groups:
            group["lr"] = learning_rate(at["step"], total, 1e-3, default_warmup(total), 0.1)
        toks = torch.randint(0, args.vocab, (args.batch, args.context + 1), generator=g).to(dev)
        # --autocast bf16: PyTorch's mixed precision (bfloat16 matmuls, float32 weights), the usual fast GPU setting.
        with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=args.autocast == "bf16"):
            logits = model(toks[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, args.vocab).float(), toks[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        # .item() waits for the GPU, so each timed step is finished work, as in bench:gpu's asynchronous steps.
        return loss.item()

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(args.steps):
        loss = step()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    tokens = args.steps * args.batch * args.context
    print(json.dumps({"tokensPerSec": tokens / wall, "cpuTokensPerSec": tokens / cpu, "seconds": wall, "loss": loss,
                      "threads": torch.get_num_threads(), "torch": torch.__version__, "autocast": args.autocast,
                      "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
                      # Peak resident memory of this process (Linux reports kilobytes): bench:memory compares it.
                      "peakRss": __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss * 1024}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    lg = sub.add_parser("logits", help="next-token logits of an exported model folder")
    lg.add_argument("folder")
    lg.add_argument("--ids", required=True, help="comma-separated token ids")
    lg.add_argument("--all", action="store_true", help="logits at every position, not just the last")
    lg.set_defaults(fn=cmd_logits)
    gr = sub.add_parser("grads", help="loss and gradients of an exported model folder on one batch")
    gr.add_argument("folder")
    gr.add_argument("--ids", required=True, help="comma-separated token ids, batch-major")
    gr.add_argument("--targets", required=True, help="comma-separated next-token ids, one per input id")
    gr.add_argument("--batch", type=int, default=1)
    gr.add_argument("--frozen", default="", help="comma-separated names of tensors that get no gradient")
    gr.add_argument("--lora", help="safetensors file of NAME.lora_a [in, r] / NAME.lora_b [r, out] adapters")
    gr.add_argument("--lora-scale", type=float, default=1.0, help="alpha / rank")
    gr.set_defaults(fn=cmd_grads)
    bn = sub.add_parser("bench", help="training throughput of the reference architecture")
    for k, v in dict(vocab=4096, layers=2, d_model=128, heads=4, mlp=512, context=64, batch=16, steps=20, warmup=3, threads=1).items():
        bn.add_argument("--" + k.replace("_", "-"), type=int, default=v)
    bn.add_argument("--device", default="cpu", help="cpu, or cuda for a CUDA GPU")
    bn.add_argument("--autocast", choices=["off", "bf16"], default="off", help="bf16: torch.autocast with bfloat16")
    bn.set_defaults(fn=cmd_bench)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
