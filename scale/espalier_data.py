"""Espalier's training rules for its Python users (scale/grow.py, bench/torch_reference.py), one copy, each the twin of
the TypeScript it names: the fixed hold-out (engine/train/holdout.ts: the text's last 10%, cut in UTF-16 code units,
moved to a blank line when the text has documents), non-overlapping windows of T+1 tokens and the evenly spread
validation subset (train/data.ts, train/validate.ts), new blocks' initialisation (model/init.ts) and the learning-rate
schedule (train/adamw.ts). test/python-rules.test.ts checks each against the TypeScript.
"""
import gzip
import hashlib
import math
import re
import sys
from array import array

import torch

def read_text(path):
    """UTF-8 text (a .gz is decompressed); a byte-order mark is dropped, invalid UTF-8 is refused with its offset."""
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    if not raw:
        sys.exit(f"{path}: the text file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        sys.exit(f"{path}: not valid UTF-8 at byte offset {e.start}; convert the text to UTF-8")
    return text[1:] if text.startswith("\ufeff") else text


def load_tokenizer(path):
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_file(path)
    except Exception as err:
        sys.exit(f"{path}: the tokenizers library cannot read it ({err}); export the model again with espalier export --format hf")


def encode(tok, text):
    return torch.tensor(tok.encode(text, add_special_tokens=False).ids, dtype=torch.long)


def windows(tokens, T, source):
    if len(tokens) < T + 1:
        sys.exit(f"{source}: {len(tokens)} tokens is too short for context {T} (needs at least {T + 1}); use more text or a smaller --context")
    n = (len(tokens) - 1) // T
    return {"tokens": tokens, "T": T, "starts": torch.arange(n, dtype=torch.long) * T}


HOLDOUT_FRACTION = 0.1
_PARA = re.compile(r"\n[ \t]*\n")


def holdout_split(text, fraction=HOLDOUT_FRACTION):
    """holdoutSplit: (train text, held-out text, record). Offsets are UTF-16 code units, as in JavaScript strings."""
    units = text.encode("utf-16-le")
    n = len(units) // 2
    target = max(1, min(n - 1, math.floor(n * (1 - fraction))))
    # Code point index -> UTF-16 offset, to search from the first code point at or after the target offset.
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    first = next(i for i, o in enumerate(offsets) if o >= target)
    m = _PARA.search(text, first)
    doc_start = offsets[m.end()] if m else -1
    use_doc = doc_start > 0 and n - doc_start >= (n - target) / 2
    start = doc_start if use_doc else target
    if 0 < start < n and 0xDC00 <= int.from_bytes(units[2 * start : 2 * start + 2], "little") <= 0xDFFF:
        start += 1  # never split a surrogate pair
    train, val = units[: 2 * start].decode("utf-16-le"), units[2 * start :].decode("utf-16-le")
    record = {"rule": "tail", "fraction": fraction, "startChar": start, "documentBoundary": use_doc,
              "sha256": hashlib.sha256(val.encode("utf-8")).hexdigest()}
    return train, val, record


def tokens_sha256(tokens):
    """SHA-256 of token ids as little-endian int32, to compare a token stream with Espalier's exactly."""
    a = array("i", tokens.tolist())
    if sys.byteorder == "big":
        a.byteswap()
    return hashlib.sha256(a.tobytes()).hexdigest()


def spread_ids(n, k):
    """spreadIds: k of n window indices, evenly spread from 0 (the validation subset)."""
    return [(i * n) // k for i in range(k)]


def default_warmup(steps):
    """TrainOptions' default warmup: a tenth of the steps, at most 100."""
    return min(100, _round_half_up(steps / 10))


def _round_half_up(x):
    return math.floor(x + 0.5)  # JavaScript's Math.round, not Python's banker's rounding


def learning_rate(step, total, peak, warmup, min_ratio):
    """learningRate: linear warmup to peak, then cosine decay to peak·min_ratio at `total` steps (step counts from 1)."""
    if warmup > 0 and step <= warmup:
        return peak * step / warmup
    span = max(1, total - warmup)
    progress = min(1.0, max(0.0, (step - warmup) / span))
    lo = peak * min_ratio
    return lo + 0.5 * (peak - lo) * (1 + math.cos(math.pi * progress))


OUTPUT_PROJECTIONS = ("attn.wo", "mlp.w2")


def block_init_std(part, std, layers, init="scaled"):
    """initBlock's σ for one block tensor: N(0, σ) matrices; output projections σ/√(2·layers) ('scaled'), σ ('unscaled')
    or 0 ('zero-output'); `layers` is the depth including the new block."""
    if not part.endswith(OUTPUT_PROJECTIONS):
        return std
    if init == "zero-output":
        return 0.0
    return std if init == "unscaled" else std / math.sqrt(2 * max(1, layers))


def init_block(shapes, std, layers, init="scaled", generator=None):
    """A new block's tensors by Espalier's names ('attn.wq', 'mlp.w1', 'norm1.weight', ...): norms 1 (biases 0), the rest
    N(0, block_init_std). `shapes` maps each name to its shape; returns {name: tensor}."""
    out = {}
    for name, shape in shapes.items():
        if name.endswith(".weight") and "norm" in name:
            out[name] = torch.ones(shape)
        elif name.endswith(".bias"):
            out[name] = torch.zeros(shape)
        else:
            out[name] = torch.randn(shape, generator=generator) * block_init_std(name, std, layers, init)
    return out
