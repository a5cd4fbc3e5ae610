#!/usr/bin/env python3
"""Loads Hugging Face folders the way anyone would (AutoModelForCausalLM, no custom code) and prints, as JSON,
the logits at every position of each prompt and the greedy continuation that `generate` produces.
One process answers many folders, since importing transformers is the slow part.

  hf_model.py JOBS.json      JOBS: [{"folder": DIR, "prompts": [[ids...], ...], "new": 8, "texts": [str, ...]}]
"""
import json
import sys

import torch
from transformers import AutoModelForCausalLM


def run(job):
    model = AutoModelForCausalLM.from_pretrained(job["folder"])
    model.eval()
    out = {
        "architecture": type(model).__name__,
        "config": {k: getattr(model.config, k) for k in ("hidden_act", "mlp_bias", "attention_bias", "tie_word_embeddings", "rms_norm_eps", "head_dim", "num_hidden_layers")},
        "rope": dict(model.config.rope_parameters),
        "prompts": [],
    }
    for prompt in job["prompts"]:
        ids = torch.tensor([prompt])
        with torch.no_grad():
            logits = model(ids).logits[0]
            # No stop id: both sides continue for exactly `new` tokens, so <eos> is compared like any other token.
            gen = model.generate(ids, max_new_tokens=job.get("new", 8), do_sample=False, eos_token_id=None, pad_token_id=0)
        out["prompts"].append({"logits": logits.tolist(), "greedy": gen[0, ids.shape[1]:].tolist()})
    if job.get("texts"):
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(job["folder"])
        out["tokenizer_ids"] = [tok(t, add_special_tokens=False)["input_ids"] for t in job["texts"]]
    return out


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    print(json.dumps([run(j) for j in jobs]))


if __name__ == "__main__":
    main()
