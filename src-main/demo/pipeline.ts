// runDemo: the paper's whole pipeline in one call — world (or two corpora) → tokenizer → frozen substrate → two
// experts grown to depth 3 → merges → every depth and merge evaluated → tables, claims and the report files.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MergedLM } from '../engine/compose/merged';
import { saveMerge } from '../engine/compose/spec';
import { asHeadTunables, tuneMergedHeads } from '../engine/compose/tune';
import { saveTunedHeads } from '../engine/compose/tuned-heads';
import { writeFileAtomic } from '../engine/util/atomic';
import { loadModel } from '../engine/io/index';
import type { GPT } from '../engine/model/index';
import type { CausalLM } from '../engine/model/lm';
import {
  buildSubstrate,
  defaultFontSearch,
  findSystemUnifont,
  resolveFontPath,
  saveSubstrate,
  type BuiltSubstrate,
  type FontSearch,
} from '../engine/substrate/index';
import { buildTokenizer, readCorpusFile, saveTokenizer, type Tokenizer } from '../engine/tokenizer/index';
import { makeWindows, type Windows } from '../engine/train/index';
import { UserError } from '../common/errors';
import { computeClaims, depthTables, EvalIndex, mergeTable } from './claims';
import { resolvePreset, type DemoPreset } from './config';
import { evaluateModel, prepareSuite, unionLoss } from '../lab/evaluate';
import { prepareCorpora, prepareWorld, type DemoInputs } from '../lab/inputs';
import { protocolTable } from './protocol-table';
import { markdownReport } from './report';
import type { DemoEval, DemoHooks, DemoModelRef, DemoOptions, DemoResult, ExpertGrowth, MergeSummary } from './types';
import { concatTokens } from '../engine/util/concat';
import { growExpert, seconds } from './grow-expert';

/** Glyph substrate when GNU Unifont is found (or given), else binary-id; `note` says which and why in one line. */
export function chooseSubstrate(
  font: string | undefined,
  search: FontSearch = defaultFontSearch(),
): { kind: 'glyph' | 'binary-id'; font: string | null; note: string } {
  if (font !== undefined)
    return { kind: 'glyph', font: resolveFontPath(font), note: `GNU Unifont glyphs from ${font}` };
  const found = findSystemUnifont(search);
  if (found) return { kind: 'glyph', font: found, note: `GNU Unifont glyphs from ${found} (found on this system)` };
  return {
    kind: 'binary-id',
    font: null,
    note: "used the binary-id substrate because no GNU Unifont was found; for the paper's glyph substrate run `espalier font install` (or `sudo apt install unifont`, or pass --font FILE.hex) and rerun",
  };
}

/** What the merge and evaluation steps share: the demo's vocabulary, substrate, windows and grown experts. */
interface Grown {
  tokenizer: Tokenizer;
  substrate: BuiltSubstrate;
  windows: { train: Windows; val: Windows }[];
  growth: ExpertGrowth[];
  finalDirs: string[];
}

interface Merged {
  /** The final experts, loaded once (the plain merges share them). */
  finals: GPT[];
  /** Own copies for the tuned merge (its heads change). */
  tunedExperts: GPT[];
  lms: Map<string, MergedLM>;
  merges: MergeSummary[];
  models: DemoModelRef[];
}

/** Both plain merges (logits and probabilities), then, when the preset asks, the logit merge with tuned heads. */
async function mergeExperts(
  g: Grown,
  preset: DemoPreset,
  out: string,
  seed: number,
  hooks: DemoHooks,
): Promise<Merged> {
  const depth = Math.max(...g.growth.map((x) => x.stages.length));
  const names = g.growth.map((x) => `expert ${x.expert}`);
  const m: Merged = {
    finals: g.finalDirs.map((d) => loadModel(d, { substrate: g.substrate }).model),
    tunedExperts: [],
    lms: new Map(),
    merges: [],
    models: [],
  };
  for (const mode of ['logits', 'probs'] as const) {
    const name = `merge (${mode})`;
    const lm = new MergedLM(m.finals, { mode, names });
    const dir = join(out, `merge-${mode}`);
    saveMerge(dir, lm, g.finalDirs);
    m.lms.set(name, lm);
    m.merges.push({ name, mode, dir, experts: g.finalDirs });
    m.models.push({ name, kind: 'merge', expert: null, depth, dir });
  }
  if (preset.tuneSteps <= 0) return m;
  // The paper's second merge: logit averaging, then brief training of the output heads only (own expert copies).
  const name = 'merge (logits, tuned heads)';
  m.tunedExperts.push(...g.finalDirs.map((d) => loadModel(d, { substrate: g.substrate }).model));
  const lm = new MergedLM(m.tunedExperts, { mode: 'logits', names });
  const dir = join(out, 'merge-logits-tuned');
  saveMerge(dir, lm, g.finalDirs);
  const val = concatTokens(g.windows.map((w) => w.val.tokens.subarray(0, preset.eval.pplTokens)));
  const o = { lr: 3e-3, batch: preset.batchSize, context: Math.min(64, preset.contextLength), seed };
  const rep = await tuneMergedHeads(asHeadTunables(lm), concatTokens(g.windows.map((w) => w.train.tokens)), {
    mode: 'logits',
    steps: preset.tuneSteps,
    val,
    ...o,
    onStep: (s, loss) => hooks.progress?.('tuning the merged heads', s, preset.tuneSteps, `loss ${loss.toFixed(3)}`),
  });
  hooks.progressDone?.();
  await saveTunedHeads(dir, lm, {
    zeroShotLoss: rep.zeroShotLoss,
    tunedLoss: rep.tunedLoss,
    steps: rep.steps,
    data: 'both training corpora',
    val: 'both held-out corpora',
    ...o,
  });
  hooks.log?.(
    `tuned the merged heads for ${rep.steps} steps: held-out loss ${rep.zeroShotLoss.toFixed(4)} → ${rep.tunedLoss.toFixed(4)}`,
  );
  m.lms.set(name, lm);
  m.merges.push({
    name,
    mode: 'logits',
    dir,
    experts: g.finalDirs,
    tuned: { steps: rep.steps, zeroShotLoss: rep.zeroShotLoss, tunedLoss: rep.tunedLoss },
  });
  m.models.push({ name, kind: 'merge', expert: null, depth, dir });
  return m;
}

/** Every stage and merge on the suite; intermediate stages are loaded one at a time and let go. */
async function evaluateAll(
  models: DemoModelRef[],
  g: Grown,
  m: Merged,
  inputs: DemoInputs,
  suite: Awaited<ReturnType<typeof prepareSuite>>,
  hooks: DemoHooks,
): Promise<DemoEval[]> {
  const evals: DemoEval[] = [];
  for (const [mi, ref] of models.entries()) {
    if (hooks.shouldStop?.()) throw new UserError('stopped during the evaluation');
    const finalAt = g.finalDirs.indexOf(ref.dir);
    const model: CausalLM =
      ref.kind === 'merge'
        ? m.lms.get(ref.name)!
        : finalAt >= 0
          ? m.finals[finalAt]!
          : loadModel(ref.dir, { substrate: g.substrate }).model;
    const t1 = performance.now();
    try {
      const rows = await evaluateModel({ model, tokenizer: g.tokenizer, batchSize: 16 }, ref.name, suite, {
        saveDir: ref.dir,
        coverage: inputs.world?.mcCoverage,
        onTask: (key, i, n) => hooks.progress?.(`evaluating ${mi + 1}/${models.length}: ${ref.name}`, i, n, key),
      });
      evals.push(...rows);
      const union = unionLoss(
        rows,
        ref.name,
        inputs.corpora.map((c) => c.name),
      );
      if (union) evals.push(union);
    } finally {
      if (ref.kind === 'stage' && finalAt < 0) model.dispose();
    }
    hooks.progressDone?.();
    hooks.log?.(`evaluated ${ref.name} in ${seconds(t1)} s`);
  }
  return evals;
}

/** The substrate file: the workspace's content-addressed one when placed there, else beside the demo's outputs. */
function saveDemoSubstrate(substrate: BuiltSubstrate, out: string, placement: DemoOptions['placement']): string {
  const file = placement ? placement.substrateFile(substrate.id) : join(out, 'substrate.safetensors');
  // Content-addressed: a file already there holds this very table.
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    saveSubstrate(file, substrate);
  }
  return file;
}

export async function runDemo(opts: DemoOptions, hooks: DemoHooks = {}): Promise<DemoResult> {
  const preset = resolvePreset(opts.mode, opts.preset);
  const tAll = performance.now();
  const out = opts.out;
  const sec = { total: 0, inputs: 0, tokenizer: 0, substrate: 0, growth: 0, merge: 0, eval: 0, studies: 0 };
  // Font problems are the user's to fix: found before anything slow runs.
  const sub = chooseSubstrate(opts.font);

  let t = performance.now();
  const inputs: DemoInputs = opts.corpora
    ? prepareCorpora(join(out, 'corpora'), opts.corpora.a, opts.corpora.b)
    : prepareWorld(join(out, 'world'), opts.seed, preset.world);
  sec.inputs = seconds(t);
  hooks.log?.(
    inputs.world
      ? `demo world (seed ${opts.seed}, ${preset.world}): ${inputs.world.dir}`
      : `corpora: ${inputs.corpora.map((c) => c.source).join(', ')}`,
  );
  for (const s of inputs.skipped) hooks.log?.(`skipped: ${s}`);
  const texts = inputs.corpora.map((c) => ({ train: readCorpusFile(c.train), val: readCorpusFile(c.val) }));

  t = performance.now();
  const tokenizer = buildTokenizer(
    texts.map((x) => x.train),
    { ngrams: preset.ngrams },
  );
  const tokenizerFile = join(out, 'tokenizer.json');
  saveTokenizer(tokenizer, tokenizerFile);
  sec.tokenizer = seconds(t);
  hooks.log?.(`tokenizer: ${tokenizer.size} tokens (${preset.ngrams} n-grams) from both training corpora`);

  t = performance.now();
  const substrate = buildSubstrate(tokenizer, {
    kind: sub.kind,
    dim: preset.dim,
    ...(sub.font ? { font: sub.font } : {}),
  });
  const substrateFile = saveDemoSubstrate(substrate, out, opts.placement);
  sec.substrate = seconds(t);
  hooks.log?.(`substrate: ${substrate.kind} [${substrate.vocabSize} × ${substrate.dim}] — ${sub.note}`);

  const T = preset.contextLength;
  const windows = inputs.corpora.map((c, i) => ({
    train: makeWindows(tokenizer.encode(texts[i]!.train), T, c.train),
    val: makeWindows(tokenizer.encode(texts[i]!.val), T, c.val),
  }));

  t = performance.now();
  const growth: ExpertGrowth[] = [];
  for (const [i, c] of inputs.corpora.entries()) {
    growth.push(
      await growExpert(
        c.expert,
        c.name,
        windows[i]!,
        {
          substrate,
          substrateFile,
          tokenizer,
          preset,
          dir: join(out, `grow-${c.expert}`),
          seed: opts.seed + i,
          placement: opts.placement,
        },
        hooks,
      ),
    );
  }
  sec.growth = seconds(t);
  const grown: Grown = {
    tokenizer,
    substrate,
    windows,
    growth,
    finalDirs: growth.map((g) => g.stages[g.stages.length - 1]!.model),
  };
  const stages: DemoModelRef[] = growth.flatMap((g) =>
    g.stages.map((s) => ({
      name: `${g.expert} d${s.depth}`,
      kind: 'stage' as const,
      expert: g.expert,
      depth: s.depth,
      dir: s.model,
    })),
  );

  t = performance.now();
  const merged = await mergeExperts(grown, preset, out, opts.seed, hooks);
  const models = [...stages, ...merged.models];
  sec.merge = seconds(t);
  hooks.log?.(`merged the depth-${preset.stages} experts: ${merged.merges.map((m) => m.name).join(', ')}`);

  t = performance.now();
  const suite = await prepareSuite(inputs, preset.eval, opts.seed);
  let evals: DemoEval[];
  try {
    evals = await evaluateAll(models, grown, merged, inputs, suite, hooks);
  } finally {
    for (const f of [...merged.finals, ...merged.tunedExperts]) f.dispose();
  }
  sec.eval = seconds(t);

  t = performance.now();
  const skipped = [...inputs.skipped];
  const studies =
    opts.studies && inputs.world ? await opts.studies({ out: join(out, 'studies'), seed: opts.seed, hooks }) : [];
  if (opts.studies && !inputs.world)
    skipped.push('the C1 and C4 studies: they run on the demo world (run `espalier study --spec` on your corpora)');
  sec.studies = seconds(t);

  const idx = new EvalIndex(evals);
  const compared = [
    ...models.filter((m) => m.kind === 'stage' && grown.finalDirs.includes(m.dir)),
    ...models.filter((m) => m.kind === 'merge'),
  ];
  const report = { markdown: join(out, 'report.md'), json: join(out, 'report.json') };
  sec.total = seconds(tAll);
  const result: DemoResult = {
    format: 'espalier-demo',
    version: 1,
    mode: opts.mode,
    source: inputs.source,
    seed: opts.seed,
    out,
    createdAt: new Date().toISOString(),
    backend: opts.backend ?? null,
    preset: { ...preset },
    world: inputs.world ? { ...omitCoverage(inputs.world), mcItems: inputs.world.mcCoverage.length } : null,
    corpora: inputs.corpora.map((c, i) => ({
      ...c,
      trainTokens: windows[i]!.train.tokens.length,
      valTokens: windows[i]!.val.tokens.length,
    })),
    skipped,
    tokenizer: { id: tokenizer.id, vocabSize: tokenizer.size, ngrams: preset.ngrams, file: tokenizerFile },
    substrate: {
      id: substrate.id,
      kind: substrate.kind,
      dim: substrate.dim,
      file: substrateFile,
      font: sub.font,
      note: sub.note,
    },
    growth,
    merges: merged.merges,
    models,
    evals,
    depthVsCapability: depthTables(models, idx, inputs),
    expertsVsMerge: mergeTable(compared, idx, inputs),
    protocols: protocolTable(compared, idx),
    claims: computeClaims(models, idx, inputs),
    studies,
    report,
    seconds: sec,
  };
  writeFileAtomic(report.json, `${JSON.stringify(result, null, 1)}\n`);
  writeFileAtomic(report.markdown, markdownReport(result));
  return result;
}

function omitCoverage<T extends { mcCoverage: unknown }>(w: T): Omit<T, 'mcCoverage'> {
  const { mcCoverage: _c, ...rest } = w;
  return rest;
}
