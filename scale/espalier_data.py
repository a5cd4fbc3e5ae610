"""Espalier's training data, reproduced exactly for scale/grow.py: the fixed hold-out of src-main/engine/train/holdout.ts
(the text's last 10%, cut in UTF-16 code units, moved to a blank line when the text has documents), each side tokenized
on its own, and non-overlapping windows of T+1 tokens (stride T), so a validation loss here means what it means in the app.
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
