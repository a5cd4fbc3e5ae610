"""The model card (README.md) of a folder scale/grow.py wrote, rewritten for the model it now holds: the title, the
depth in the architecture line, Espalier's parameter counts, the growth history with the new tier, and no evaluation
results (those measured the shallower model). The layout is the card `espalier export --format hf` writes
(src-main/engine/hf/card.ts); sections this file does not know are kept as they were.
"""
import re


def _count(n):
    return f"{n:,}"


def describe_params(trainable, frozen_blocks, frozen_substrate, frozen_other=0):
    """Espalier's one parameter-count wording (engine/model/param-report.ts, describeParams)."""
    total = trainable + frozen_blocks + frozen_substrate + frozen_other
    other = f", {_count(frozen_other)} other" if frozen_other else ""
    return f"{_count(total)} parameters ({_count(trainable)} trainable; frozen: {_count(frozen_blocks)} in blocks, {_count(frozen_substrate)} substrate{other})"


def model_params(model):
    """Counts by Espalier's definition: the new tier, final norm and head trainable; earlier layers frozen blocks;
    the embedding table the frozen substrate."""
    n = lambda ps: sum(p.numel() for p in ps)
    layers = model.model.layers
    return describe_params(
        trainable=n(layers[-1].parameters()) + n(model.model.norm.parameters()) + n(model.lm_head.parameters()),
        frozen_blocks=sum(n(l.parameters()) for l in layers[:-1]),
        frozen_substrate=n(model.model.embed_tokens.parameters()),
    )


def _num(x):
    if x is None:
        return "—"
    return str(x) if isinstance(x, int) else f"{x:.4f}"


def _cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def _growth_section(growth):
    lines = ["## Growth history", ""]
    if not growth:
        return lines + ["Trained at its full depth in one run (no growth stages recorded).", ""]
    lines += ["| depth | steps | validation loss (nats/token) | trained by |", "|---:|---:|---:|---|"]
    for g in growth:
        lines.append(f"| {g.get('depth')} | {_num(g.get('steps'))} | {_num(g.get('valLoss'))} | {_cell(g.get('trainer', ''))} |")
    last = growth[-1].get("validation")
    lines += ["", "Validation loss: mean next-token cross-entropy over held-out windows of the training text" + (f" (the last tier: {last})." if last else "."), ""]
    return lines


def _sections(card):
    """(preamble lines, [(heading, lines)]) split at '## ' headings."""
    pre, parts = [], []
    for line in card.splitlines():
        if line.startswith("## "):
            parts.append((line, []))
        elif parts:
            parts[-1][1].append(line)
        else:
            pre.append(line)
    return pre, parts


def rewrite_card(card, model, side, name):
    """The card for `model` (ArceeForCausalLM) with sidecar `side` (its growth history), titled `name`."""
    cfg = model.config
    layers = cfg.num_hidden_layers
    params = f"Parameters (Espalier's count): {model_params(model)}."
    evaluation = ["## Evaluation", "", f"No evaluation results were recorded with this model (those of the depth-{layers - 1} model it grew from do not apply).", ""]
    if not card.strip():
        arch = ["## Architecture", "", f"{layers} blocks, hidden size {cfg.hidden_size}, {cfg.num_attention_heads} heads, context {cfg.max_position_embeddings}.", "", params, ""]
        return "\n".join([f"# {name}", "", *arch, *_growth_section(side.get("growth", [])), *evaluation])
    pre, parts = _sections(card)
    pre = [f"# {name}" if line.startswith("# ") else line for line in pre]
    out = list(pre)
    for heading, body in parts:
        if heading == "## Architecture":
            body = [re.sub(r"^\d+ blocks, ", f"{layers} blocks, ", line) for line in body if not line.startswith("Parameters (Espalier's count)")]
            while body and not body[-1].strip():
                body.pop()
            body += ["", params, ""]
            out += [heading, *body]
        elif heading == "## Growth history":
            out += _growth_section(side.get("growth", []))
        elif heading == "## Evaluation":
            out += evaluation
        else:
            out += [heading, *body]
    return "\n".join(out).rstrip("\n") + "\n"
