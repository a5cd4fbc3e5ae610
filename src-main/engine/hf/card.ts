// README.md model card of an exported Hugging Face folder: what the model is (substrate, tokenizer, architecture),
// how it grew, and its evaluation results each with the protocol that produced it.
import type { ModelConfig } from '../model/config';
import { headDim, mlpWidth } from '../model/config';
import type { SubstrateMeta } from '../substrate/format';
import type { GrowthEntry } from './sidecar';

/** An evaluation result as the card shows it. */
export interface CardEval {
  task: string;
  protocol: string;
  metrics: Record<string, number | null>;
  ci95: number | null;
  n: number;
  dataset: string;
  runs?: number;
}

export interface CardInput {
  name: string;
  config: ModelConfig;
  substrate: SubstrateMeta;
  embedding: 'substrate' | 'folded';
  tokenizerId: string;
  growth: GrowthEntry[];
  evals: CardEval[];
}

const PROTOCOLS: Record<string, string> = {
  paper:
    "the paper's protocol (generate the answer, compare its first character; mean ± 1.96σ/√runs over stochastic runs)",
  loglik: 'lm-evaluation-harness style (the choice with the highest log-likelihood)',
};

const cell = (s: unknown): string => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const num = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(4);

function substrateLines(s: SubstrateMeta, embedding: CardInput['embedding']): string[] {
  const lines = [`- kind: \`${s.kind}\`, ${s.vocabSize} × ${s.dim}`, `- substrate id: \`${s.id}\``];
  if (s.kind === 'glyph')
    lines.push(
      `- rendered with ${s.fontFile ?? 'GNU Unifont'} at ${s.grid ?? '?'} px${s.squeeze ? `, multi-character tokens squeezed (${s.squeeze})` : ''}, PCA to ${s.dim} dimensions, rows L2-normalised`,
    );
  if (s.kind === 'binary-id')
    lines.push(`- binary code of the token id (${s.bits ?? '?'} bits, values ${s.binaryValues ?? '?'})`);
  if (s.kind === 'random') lines.push(`- seeded random code (seed ${s.seed ?? '?'})`);
  if (s.kind === 'imported') lines.push(`- imported table${s.sourceFile ? ` from ${s.sourceFile}` : ''}`);
  lines.push(
    embedding === 'substrate'
      ? '- `model.embed_tokens.weight` holds exactly these rows; keep it frozen to stay mergeable with other models on this substrate.'
      : "- `model.embed_tokens.weight` is the model's effective input table: the substrate rows with Espalier's fixed input projection and scale folded in (a new table, so a new substrate id on import).",
  );
  return lines;
}

export function modelCard(c: CardInput): string {
  const cfg = c.config;
  const out: string[] = [
    '---',
    'library_name: transformers',
    'pipeline_tag: text-generation',
    'tags:',
    '  - espalier',
    '  - frozen-embeddings',
    '  - layer-wise-growth',
    '---',
    '',
    `# ${c.name}`,
    '',
    'A decoder-only language model grown layer by layer on a frozen token-embedding substrate with Espalier',
    '(after A. Bochkov, "Growing Transformers", arXiv 2507.07129). It is a plain `ArceeForCausalLM`: transformers loads it',
    'with no custom code.',
    '',
    '```python',
    'from transformers import AutoModelForCausalLM, AutoTokenizer',
    'model = AutoModelForCausalLM.from_pretrained("path/to/this/folder")',
    'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
    '```',
    '',
    '## Substrate (frozen input embedding)',
    '',
    ...substrateLines(c.substrate, c.embedding),
    '',
    '## Tokenizer',
    '',
    `- tokenizer id: \`${c.tokenizerId}\` (${cfg.vocabSize} tokens: specials, 256 byte-fallback tokens, code points and n-grams)`,
    '- ids `<pad>` 0, `<bos>` 1, `<eos>` 2, `<unk>` 3',
    '',
    '## Architecture',
    '',
    `${cfg.layers} blocks, hidden size ${cfg.dModel}, ${cfg.heads} heads of ${headDim(cfg)}, MLP ${mlpWidth(cfg)} (tanh-GELU, not gated),`,
    `pre-RMSNorm (ε ${cfg.normEps}), rotary positions (θ ${cfg.ropeBase}, half-split), no biases, untied head, context ${cfg.contextLength}.`,
    '',
    '## Growth history',
    '',
  ];
  if (c.growth.length === 0) out.push('Trained at its full depth in one run (no growth stages recorded).');
  else {
    out.push('| depth | steps | validation loss (nats/token) | trained by |', '|---:|---:|---:|---|');
    for (const g of c.growth) out.push(`| ${g.depth} | ${num(g.steps)} | ${num(g.valLoss)} | ${cell(g.trainer)} |`);
    out.push('', 'Validation loss: mean next-token cross-entropy over held-out windows of the training text.');
  }
  out.push('', '## Evaluation', '');
  if (c.evals.length === 0) out.push('No evaluation results were recorded with this model.');
  else {
    out.push('| task | protocol | metrics | 95% CI | items | data |', '|---|---|---|---:|---:|---|');
    for (const e of c.evals) {
      const metrics = Object.entries(e.metrics)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ');
      out.push(
        `| ${cell(e.task)} | ${cell(e.protocol)} | ${cell(metrics)} | ${e.ci95 === null ? '—' : `± ${num(e.ci95)}`} | ${e.n} | ${cell(e.dataset)} |`,
      );
    }
    const used = [...new Set(c.evals.map((e) => e.protocol))].filter((p) => PROTOCOLS[p]);
    if (used.length > 0) out.push('', ...used.map((p) => `- \`${p}\`: ${PROTOCOLS[p]}`));
  }
  out.push('');
  return out.join('\n');
}
