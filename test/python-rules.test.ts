// Espalier's training rules exist twice — the TypeScript engine and scale/espalier_data.py, which scale/grow.py and
// bench/torch_reference.py share — and must not drift: the same learning-rate schedule and default warmup, the same
// hold-out bytes (surrogate pairs, CRLF, a byte-order mark), the same validation subset and the same statistics of a
// new block's initialisation.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBlock } from '../src-main/engine/model/init';
import { resolveConfig } from '../src-main/engine/model/config';
import { readCorpusFile } from '../src-main/engine/tokenizer/corpus-file';
import { learningRate } from '../src-main/engine/train/adamw';
import { holdoutSplit } from '../src-main/engine/train/holdout';
import { resolveTrainOptions } from '../src-main/engine/train/trainer-options';
import { spreadIds } from '../src-main/engine/train/validate';
import { sha256Hex } from '../src-main/engine/util/hash';
import { Rng } from '../src-main/engine/util/rng';
import { ROOT } from './helpers/cli';
import { requirePython } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'espalier-python-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** One Python process answers every question (importing torch is the slow part): each `code` sets `out`. */
const questions: { code: string; args: unknown }[] = [];
let answers: unknown[] = [];
function ask(code: string, args: unknown): number {
  questions.push({ code, args });
  return questions.length - 1;
}
const answer = <T>(i: number): T => answers[i] as T;

const SCHEDULES = [
  { total: 10, peak: 3e-3, warmup: 1, minRatio: 0.1 },
  { total: 25, peak: 1e-3, warmup: 3, minRatio: 0 },
  { total: 200, peak: 3e-3, warmup: 20, minRatio: 0.1 },
  { total: 7, peak: 1e-2, warmup: 0, minRatio: 0.5 },
];

const STEPS = [1, 4, 5, 15, 25, 35, 45, 999, 1000, 1005, 2000];
const TEXTS = [
  `\ufeffA first document.\r\n\r\n${'Words and more words. '.repeat(40)}\r\n\r\nThe last one 𝔈𝔰𝔭𝔞𝔩𝔦𝔢𝔯 🌳 ends here.\r\n`,
  `${'𝔤'.repeat(95)}${'x'.repeat(5)}`,
  `${'Один абзац без пустых строк. '.repeat(30)}\n${'第二段。'.repeat(20)}`,
  `${'one\n \t\ntwo '.repeat(25)}`,
];
const SPREAD = [
  [140, 128],
  [128, 128],
  [1000, 7],
  [5, 5],
];
const INITS = ['scaled', 'unscaled', 'zero-output'] as const;
const INIT_CFG = { vocabSize: 50, layers: 3, dModel: 64, heads: 4, contextLength: 16, mlpRatio: 4 };

const Q = {
  schedule: ask(
    'out = {"lr": [[learning_rate(s, c["total"], c["peak"], c["warmup"], c["minRatio"]) for s in range(1, c["total"] + 1)] for c in args["schedules"]], "warmup": [default_warmup(n) for n in args["steps"]]}',
    { schedules: SCHEDULES, steps: STEPS },
  ),
  holdout: ask(
    'import hashlib\nout = []\nfor f in args:\n    tr, val, rec = holdout_split(read_text(f))\n    out.append({"record": rec, "valSha": hashlib.sha256(val.encode("utf-8")).hexdigest(), "trainSha": hashlib.sha256(tr.encode("utf-8")).hexdigest()})',
    TEXTS.map((_, i) => join(dir, `t${i}.txt`)),
  ),
  spread: ask('out = [spread_ids(n, k) for n, k in args]', SPREAD),
  init: ask(
    'import torch\nout = []\nfor init in args["inits"]:\n    t = init_block(args["shapes"], 0.02, args["layers"], init, torch.Generator().manual_seed(7))\n    out.append({k: {"mean": v.mean().item(), "std": v.std(unbiased=False).item()} for k, v in t.items()})',
    {
      inits: INITS,
      layers: INIT_CFG.layers,
      shapes: Object.fromEntries(
        [...initBlock(2, resolveConfig(INIT_CFG), new Rng(7), 'scaled')].map(([n, t]) => [
          n.replace('blocks.2.', ''),
          t.shape,
        ]),
      ),
    },
  ),
};

beforeAll(() => {
  const python = requirePython(['torch']);
  TEXTS.forEach((t, i) => writeFileSync(join(dir, `t${i}.txt`), t));
  // Each question runs in its own function, so their names do not mix; answers come back as one JSON list.
  const body = questions
    .map(
      (q, i) =>
        `def q${i}(args):\n${q.code
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}\n    return out\n`,
    )
    .join('\n');
  const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(join(ROOT, 'scale'))})\nfrom espalier_data import *\n${body}\nargs = json.load(sys.stdin)\nprint(json.dumps([globals()[f"q{i}"](a) for i, a in enumerate(args)]))\n`;
  const r = spawnSync(python, ['-c', script], {
    input: JSON.stringify(questions.map((q) => q.args)),
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  answers = JSON.parse(r.stdout) as unknown[];
}, 120_000);

describe('TypeScript and scale/espalier_data.py', () => {
  it('give the same learning rate at every step and the same default warmup', () => {
    const out = answer<{ lr: number[][]; warmup: number[] }>(Q.schedule);
    SCHEDULES.forEach((c, i) => {
      const ts = Array.from({ length: c.total }, (_, s) => learningRate(s + 1, c.total, c.peak, c.warmup, c.minRatio));
      out.lr[i]!.forEach((x, s) => expect(Math.abs(x - ts[s]!)).toBeLessThanOrEqual(1e-18 + 1e-12 * ts[s]!));
    });
    // Half-way cases (25 → 2.5) round up in JavaScript; Python's round() would give 2.
    expect(out.warmup).toEqual(STEPS.map((n) => resolveTrainOptions({ steps: n, batchSize: 1, lr: 1e-3 }).warmupSteps));
  });

  it('cut the same hold-out bytes from the same file', () => {
    const files = TEXTS.map((_, i) => join(dir, `t${i}.txt`));
    const out = answer<{ record: Record<string, unknown>; valSha: string; trainSha: string }[]>(Q.holdout);
    files.forEach((f, i) => {
      const split = holdoutSplit(readCorpusFile(f));
      expect(out[i]!.record).toEqual(split.record);
      expect(out[i]!.valSha).toBe(sha256Hex(split.val));
      expect(out[i]!.trainSha).toBe(sha256Hex(split.train));
    });
  });

  it('pick the same evenly spread validation windows', () => {
    const out = answer<number[][]>(Q.spread);
    SPREAD.forEach(([n, k], i) => expect(out[i]).toEqual(spreadIds(n!, k!)));
  });

  it('initialise a new block with the same statistics (σ per tensor, scaled and zero output projections, unit norms)', () => {
    for (const [k, init] of INITS.entries()) {
      const ts = initBlock(2, resolveConfig(INIT_CFG), new Rng(7), init);
      const stats = answer<Record<string, { mean: number; std: number }>[]>(Q.init)[k]!;
      for (const [name, t] of ts) {
        const part = name.replace('blocks.2.', '');
        const n = t.data.length;
        const mean = t.data.reduce((a, b) => a + b, 0) / n;
        const std = Math.sqrt(t.data.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
        const s = stats[part]!;
        if (std === 0) {
          // Exactly constant (norms 1, zeroed projections); abs: a zero may come back as -0.
          expect(Math.abs(s.std), part).toBe(0);
          expect(Math.abs(s.mean - mean), part).toBe(0);
        } else {
          // Two independent draws of 4,096+ numbers: their σ agree to a few percent, their means are ~0.
          expect(Math.abs(s.std / std - 1), `${init} ${part}: ${s.std} vs ${std}`).toBeLessThan(0.05);
          expect(Math.abs(s.mean), part).toBeLessThan(std * 0.1);
        }
      }
    }
  });
});
