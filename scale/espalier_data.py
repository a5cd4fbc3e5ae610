"""Espalier's training data, reproduced exactly for scale/grow.py: one token stream per text file, non-overlapping
windows of T+1 tokens (stride T), and the same seeded train/validation split as Espalier's splitWindows
(xoshiro128** seeded by splitmix32, Fisher–Yates shuffle), so a validation loss here means what it means in the app.
"""
import gzip
import sys

import torch

M32 = 0xFFFFFFFF


def _splitmix32(seed):
    s = seed & M32

    def nxt():
        nonlocal s
        s = (s + 0x9E3779B9) & M32
        z = s
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
        return (z ^ (z >> 16)) & M32

    return nxt


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    """src-main/engine/util/rng.ts: xoshiro128**, the same stream for the same seed."""

    def __init__(self, seed):
        sm = _splitmix32(seed)
        self.s = [sm(), sm(), sm(), sm()]
        if all(x == 0 for x in self.s):
            self.s[0] = 1

    def next_u32(self):
        s = self.s
        result = (_rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 11)
        return result

    def int(self, n):
        return int((self.next_u32() / 4294967296) * n)

    def shuffle(self, arr):
        for i in range(len(arr) - 1, 0, -1):
            j = self.int(i + 1)
            arr[i], arr[j] = arr[j], arr[i]
        return arr


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


def load_token_stream(tokenizer_path, text_path):
    tok = load_tokenizer(tokenizer_path)
    ids = tok.encode(read_text(text_path), add_special_tokens=False).ids
    return torch.tensor(ids, dtype=torch.long)


def windows(tokens, T, source):
    if len(tokens) < T + 1:
        sys.exit(f"{source}: {len(tokens)} tokens is too short for context {T} (needs at least {T + 1}); use more text or a smaller --context")
    n = (len(tokens) - 1) // T
    return {"tokens": tokens, "T": T, "starts": torch.arange(n, dtype=torch.long) * T}


def split_windows(w, val_fraction, seed, source):
    """Espalier's splitWindows: whole windows to one side, at least one each, the same order for the same seed."""
    n = len(w["starts"])
    if n < 2:
        sys.exit(f"{source}: only {n} window(s) of {w['T'] + 1} tokens; a train/validation split needs 2 (use more text, a smaller --context or --val FILE)")
    order = Rng(seed).shuffle(list(range(n)))
    n_val = min(n - 1, max(1, int(n * val_fraction + 0.5)))
    pick = lambda idx: {"tokens": w["tokens"], "T": w["T"], "starts": w["starts"][sorted(idx)]}
    return pick(order[n_val:]), pick(order[:n_val])
