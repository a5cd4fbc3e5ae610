// One grown model's held-out loss, four ways (issue 31 items 1, 2, 3, 7): the `grow` log, `eval --protocol holdout`,
// `scale/grow.py` under torchrun (before it trains its new tier) and, after import, `eval` again — equal to 1e-5;
// stage folders record their hold-out as `train` does; parameter counts are one definition; grow.py rewrites the card.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdoutSplit } from '../src-main/engine/train/holdout';
import { folderParamReport } from '../src-main/engine/io/folder-params';
import { ROOT, runCli, type CliResult } from './helpers/cli';
import { requirePython } from './helpers/python';
import { CPU_ONE_THREAD, growTwoStages, inputArgs, shapeArgs, worldText, writeInputs } from './helpers/cli-inputs';

const dir = mkdtempSync(join(tmpdir(), 'espalier-cli-holdout-'));
const p = (name: string): string => join(dir, name);
let text: string;
let grow: CliResult;
let growJson: {
  stages: { depth: number; valLoss: number; params: Record<string, number>; checkpoint: string }[];
  validation: { windows: number; available: number; context: number };
};
let records: Record<string, unknown>[] = [];
let torchrun: { status: number | null; stderr: string };

beforeAll(() => {
  text = worldText();
  writeInputs(dir, text, { ngrams: 100 });
  grow = growTwoStages(p);
  if (grow.code !== 0) return;
  growJson = grow.json();
  const stage2 = growJson.stages[1]!.checkpoint;
  const exp = runCli(['export', '--format', 'hf', '--model', stage2, '--out', p('hf')]);
  if (exp.code !== 0) throw new Error(exp.stderr);
  const python = requirePython(['torch', 'transformers', 'tokenizers', 'safetensors']);
  const bin = join(dirname(python), 'torchrun');
  const [cmd, pre] = existsSync(bin) ? [bin, []] : [python, ['-m', 'torch.distributed.run']];
  const r = spawnSync(
    cmd,
    [
      ...pre,
      '--standalone',
      '--nproc_per_node',
      '1',
      join(ROOT, 'scale/grow.py'),
      '--model',
      p('hf'),
      '--data',
      p('data.txt'),
      '--steps',
      '2',
      '--batch',
      '4',
      '--out',
      p('grown'),
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
    },
  );
  torchrun = { status: r.status, stderr: r.stderr };
  records = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the held-out loss of one grown model', () => {
  it('is the same from the grow log, eval --protocol holdout and scale/grow.py before it trains (1e-5), each with its protocol', () => {
    expect(grow.code, grow.stderr).toBe(0);
    const stage2 = growJson.stages[1]!;
    const v = growJson.validation;
    // More held-out windows than the count: the evenly spread subset is what is scored.
    expect(v.available).toBeGreaterThan(128);
    expect(v.windows).toBe(128);
    // The training log prints the loss with six decimals and the protocol it was measured by.
    const protocol = `holdout: ${v.windows}${v.available !== v.windows ? ` of ${v.available}` : ''} evenly spread held-out windows of 16 tokens`;
    const logged = new RegExp(`stage 2/2 \\(depth 2\\) done: val loss (\\d+\\.\\d{6}) \\(${protocol}\\)`).exec(
      grow.stderr,
    );
    expect(logged, grow.stderr).not.toBeNull();
    const fromLog = Number(logged![1]);

    const ev = runCli(['eval', '--model', stage2.checkpoint, '--task', 'ppl', '--protocol', 'holdout', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const e = ev.json<{ protocol: string; loss: number; windows: number; available: number; context: number }>();
    expect(e).toMatchObject({ protocol: 'holdout', windows: v.windows, available: v.available, context: 16 });
    const human = runCli(['eval', '--model', stage2.checkpoint, '--task', 'ppl', '--protocol', 'holdout']);
    expect(human.stdout).toContain(protocol);

    expect(torchrun.status, torchrun.stderr).toBe(0);
    const start = records.find((r) => r['event'] === 'start')!;
    expect(start['validation']).toBe(protocol);
    const fromPython = start['valLossBeforeInsert'] as number;

    const losses = { log: fromLog, json: stage2.valLoss, eval: e.loss, growPy: fromPython };
    for (const [k, x] of Object.entries(losses))
      expect(Math.abs(x - e.loss), `${k}: ${JSON.stringify(losses)}`).toBeLessThan(1e-5);
  });

  it('grow stage folders record the hold-out, data file and validation protocol as train does', () => {
    const rec = holdoutSplit(text).record;
    for (const s of growJson.stages) {
      const training = (
        JSON.parse(readFileSync(join(s.checkpoint, 'config.json'), 'utf8')) as { training: Record<string, unknown> }
      ).training;
      expect(training['holdout']).toEqual(rec);
      expect(training['data']).toEqual({ file: p('data.txt') });
      expect(training['validation']).toEqual({ protocol: 'holdout', windows: 128, context: 16 });
    }
  });

  it('counts parameters one way in grow, train, import and a folder: trainable, frozen blocks, frozen substrate, total', () => {
    const s1 = growJson.stages[0]!.params;
    const s2 = growJson.stages[1]!.params;
    const substrate = folderParamReport(growJson.stages[0]!.checkpoint).frozenSubstrate;
    expect(substrate).toBeGreaterThan(0);
    expect(s1).toMatchObject({ frozenBlocks: 0, frozenSubstrate: substrate, total: s1['trainable']! + substrate });
    expect(s2['frozenSubstrate']).toBe(substrate);
    expect(s2['total']).toBe(s2['trainable']! + s2['frozenBlocks']! + substrate);
    expect(folderParamReport(growJson.stages[1]!.checkpoint)).toEqual(s2);
    expect(grow.stderr).toMatch(
      new RegExp(
        `stage 2/2 \\(depth 2\\): ${s2['total']!.toLocaleString('en')} parameters \\(${s2['trainable']!.toLocaleString('en')} trainable; frozen: ${s2['frozenBlocks']!.toLocaleString('en')} in blocks`,
      ),
    );
    // train on the same shape: the same total, the substrate counted.
    const tr = runCli([
      'train',
      ...inputArgs(p),
      ...shapeArgs({ layers: 2, heads: 4, context: 16, batch: 4 }),
      '--steps',
      '1',
      ...CPU_ONE_THREAD,
      '--out',
      p('train'),
      '--json',
    ]);
    expect(tr.code, tr.stderr).toBe(0);
    const trained = tr.json<{
      params: Record<string, number>;
      valLoss: number;
      validation: { windows: number; context: number };
    }>();
    const tp = trained.params;
    expect(tp['total']).toBe(s2['total']);
    expect(tp['frozenSubstrate']).toBe(substrate);
    // …and `train`'s validation loss is reproduced by the holdout protocol too (its own count: 256 windows at most).
    const ev = runCli(['eval', '--model', p('train'), '--task', 'ppl', '--protocol', 'holdout', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.json<{ windows: number }>().windows).toBe(trained.validation.windows);
    expect(Math.abs(ev.json<{ loss: number }>().loss - trained.valLoss)).toBeLessThan(1e-5);
    // import of the exported stage: the same four numbers as grow printed for it.
    const im = runCli(['import', '--format', 'hf', '--from', p('hf'), '--out', p('back'), '--json']);
    expect(im.code, im.stderr).toBe(0);
    expect(im.json<{ params: Record<string, number> }>().params).toEqual(s2);
  });

  it("scale/grow.py rewrites the model card for the new tier; the imported result reproduces grow.py's loss", () => {
    const card = readFileSync(p('grown/README.md'), 'utf8');
    expect(card).toMatch(/^# grown$/m);
    expect(card).toMatch(/^3 blocks, hidden size 32/m);
    expect(card).not.toMatch(/^2 blocks,/m);
    expect(card).toMatch(/^\| 3 \| 2 \| \d+\.\d{4} \| scale\/grow\.py \(1 processes, DDP\) \|$/m);
    expect(card).toMatch(
      /Parameters \(Espalier's count\): [\d,]+ parameters \([\d,]+ trainable; frozen: [\d,]+ in blocks, [\d,]+ substrate\)/,
    );
    expect(card).toContain('No evaluation results were recorded with this model');
    const saved = records.find((r) => r['event'] === 'saved')!;
    const im = runCli(['import', '--format', 'hf', '--from', p('grown'), '--out', p('grown-back')]);
    expect(im.code, im.stderr).toBe(0);
    // The imported folder records grow.py's hold-out (data by file name only): --data names the text.
    const ev = runCli([
      'eval',
      '--model',
      p('grown-back'),
      '--task',
      'ppl',
      '--protocol',
      'holdout',
      '--data',
      p('data.txt'),
      '--json',
    ]);
    expect(ev.code, ev.stderr).toBe(0);
    expect(Math.abs(ev.json<{ loss: number }>().loss - (saved['valLoss'] as number))).toBeLessThan(1e-5);
  });
});
