"""Encodes every line of a UTF-8 file with Hugging Face `tokenizers` (FOLDER/tokenizer.json, or a .json file
itself) and, with --auto, with transformers.AutoTokenizer (the folder), and prints {"tokenizers": [[ids]...], "auto": [...], "decoded_ok": [...],
"auto_class": ...} as JSON, so the test can compare them with Espalier's ids line by line."""
import json
import sys

from tokenizers import Tokenizer
from transformers import AutoTokenizer, PreTrainedTokenizerFast

folder, text_file = sys.argv[1], sys.argv[2]
with open(text_file, encoding="utf-8", newline="") as f:
    text = f.read()
lines = text.split("\n")
if len(lines) > 1 and lines[-1] == "":
    lines.pop()

tk = Tokenizer.from_file(folder if folder.endswith(".json") else f"{folder}/tokenizer.json")
ids = [tk.encode(line, add_special_tokens=False).ids for line in lines]
decoded_ok = [tk.decode(i, skip_special_tokens=False) == line for i, line in zip(ids, lines)]

out = {"tokenizers": ids, "decoded_ok": decoded_ok, "vocab_size": tk.get_vocab_size(with_added_tokens=True)}
if len(sys.argv) > 3 and sys.argv[3] == "--auto":
    auto = AutoTokenizer.from_pretrained(folder)
    out["auto_class"] = type(auto).__name__
    out["auto_is_fast"] = isinstance(auto, PreTrainedTokenizerFast)
    # The default call: whatever transformers adds by default must be nothing.
    out["auto"] = [auto(line)["input_ids"] for line in lines]
    out["auto_decoded_ok"] = [auto.decode(i) == line for i, line in zip(out["auto"], lines)]
    out["auto_specials"] = [auto.pad_token_id, auto.bos_token_id, auto.eos_token_id, auto.unk_token_id]
json.dump(out, sys.stdout)
