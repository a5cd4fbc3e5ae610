// `espalier substrate build`: builds a frozen embedding table (glyph, binary-id, random, imported) for a vocabulary.
import { buildSubstrate, saveSubstrate, SUBSTRATE_KINDS, type SubstrateKind } from '../../engine/substrate/index';
import { UserError } from '../../common/errors';
import { defineCommand, optNum, optStr, str } from '../command';
import { loadAnyVocab } from '../vocab';

interface SubstrateBuildResult {
  id: string;
  kind: SubstrateKind;
  vocabSize: number;
  dim: number;
  /** Glyph substrates: the bitmap side in pixels. */
  grid?: number;
  collisions: number;
  collisionGroups: number;
  seconds: number;
  out: string;
  examples: {
    collisions: string[][];
    neighbours: { token: string; nearest: { token: string; cosine: number }[] }[];
  };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UserError(`option --${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export default defineCommand({
  path: ['substrate', 'build'],
  summary: 'build a frozen substrate (token embedding table) for a vocabulary and save it as .safetensors',
  options: [
    {
      name: 'kind',
      kind: 'string',
      metavar: 'KIND',
      required: true,
      description: 'glyph | binary-id | random | imported',
    },
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description: "the tokenizer.json the rows follow (Espalier's, or any Hugging Face BPE, Unigram or WordPiece one)",
    },
    {
      name: 'out',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description: 'where to write the .safetensors substrate',
    },
    { name: 'dim', kind: 'number', metavar: 'N', description: 'columns (default 256; imported: the matrix width)' },
    {
      name: 'font',
      kind: 'string',
      metavar: 'FILE',
      description: 'glyph: GNU Unifont .hex or .hex.gz (default: a system Unifont)',
    },
    {
      name: 'grid',
      kind: 'number',
      metavar: '16|32',
      description: "glyph: bitmap side; 32 (default, the paper's) doubles each Unifont pixel",
    },
    {
      name: 'squeeze',
      kind: 'string',
      metavar: 'MODE',
      description: 'glyph: subsample (the paper) | or — how multi-character tokens fit one cell',
    },
    { name: 'bits', kind: 'number', metavar: 'N', description: 'binary-id: bits of the token id code (default 16)' },
    {
      name: 'values',
      kind: 'string',
      metavar: 'pm1|01',
      description: 'binary-id: a set/clear bit is +1/−1 (pm1, default) or 1/0',
    },
    { name: 'seed', kind: 'number', metavar: 'N', description: 'random: seed of the Gaussian rows (default 0)' },
    {
      name: 'matrix',
      kind: 'string',
      metavar: 'FILE',
      description: 'imported: a [vocabSize, dim] .npy or .safetensors table',
    },
    { name: 'tensor', kind: 'string', metavar: 'NAME', description: 'imported: which tensor of a .safetensors file' },
  ],
  async run(opts, _positionals, ctx): Promise<SubstrateBuildResult> {
    const t0 = performance.now();
    const kind = oneOf('kind', str(opts, 'kind'), SUBSTRATE_KINDS)!;
    const grid = optNum(opts, 'grid');
    if (grid !== undefined && grid !== 16 && grid !== 32)
      throw new UserError(`option --grid must be 16 or 32, got ${grid}`);
    const squeeze = oneOf('squeeze', optStr(opts, 'squeeze'), ['subsample', 'or'] as const);
    const values = oneOf('values', optStr(opts, 'values'), ['pm1', '01'] as const);
    const vocab = loadAnyVocab(str(opts, 'vocab'));
    const out = str(opts, 'out');
    const sub = buildSubstrate(vocab, {
      kind,
      dim: optNum(opts, 'dim'),
      font: optStr(opts, 'font'),
      grid,
      squeeze,
      bits: optNum(opts, 'bits'),
      binaryValues: values,
      seed: optNum(opts, 'seed'),
      matrix: optStr(opts, 'matrix'),
      tensor: optStr(opts, 'tensor'),
      onProgress: (stage, done, total) => ctx.progress(stage, done, total),
    });
    ctx.progressDone();
    const rank = sub.meta.pcaRank;
    if (rank !== undefined && rank < sub.dim) {
      ctx.log(
        `note: the bitmaps span only ${rank} dimensions; columns ${rank + 1}…${sub.dim} are zero (a smaller --dim loses nothing)`,
      );
    }
    saveSubstrate(out, sub);
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    ctx.log(`built a ${sub.kind} substrate [${sub.vocabSize} × ${sub.dim}] in ${seconds} s; wrote ${out}`);
    const { collisions, neighbours } = sub.report;
    return {
      id: sub.id,
      kind: sub.kind,
      vocabSize: sub.vocabSize,
      dim: sub.dim,
      ...(typeof sub.meta.grid === 'number' ? { grid: sub.meta.grid } : {}),
      collisions: collisions.tokens,
      collisionGroups: collisions.groups,
      seconds,
      out,
      examples: {
        collisions: collisions.exampleTokens,
        neighbours: neighbours.map((n) => ({
          token: n.token,
          nearest: n.nearest.map(({ token, cosine }) => ({ token, cosine })),
        })),
      },
    };
  },
  human(result) {
    const r = result as SubstrateBuildResult;
    const lines = [
      `id: ${r.id}`,
      `kind: ${r.kind}  [${r.vocabSize} tokens × ${r.dim}]${r.grid ? `  grid ${r.grid}×${r.grid}` : ''}  ${r.seconds} s  → ${r.out}`,
      `collisions: ${r.collisions} tokens share a ${r.kind === 'glyph' ? 'bitmap' : 'row'} with another (${r.collisionGroups} groups)`,
    ];
    for (const g of r.examples.collisions.slice(0, 12))
      lines.push(
        `  ${g
          .slice(0, 8)
          .map((t) => JSON.stringify(t))
          .join(' ')}${g.length > 8 ? ` … (${g.length})` : ''}`,
      );
    if (r.examples.collisions.length > 12)
      lines.push(
        `  … ${r.collisionGroups - 12} more groups (all named in --json up to ${r.examples.collisions.length})`,
      );
    lines.push('nearest neighbours (cosine):');
    for (const n of r.examples.neighbours) {
      lines.push(
        `  ${JSON.stringify(n.token)} → ${n.nearest.map((x) => `${JSON.stringify(x.token)} ${x.cosine.toFixed(3)}`).join(', ')}`,
      );
    }
    return lines.join('\n');
  },
});
