// The paper's sizes on one machine, end to end (`npm run test:slow`): a 16 × d 1024 model whose checkpoint passes
// 2 GiB trains on the CPU, is SIGKILLed after its first checkpoint, resumes with `--resume DIR` alone to the same
// bits as an uninterrupted run, grows a 17th block on its frozen 16, exports the grown model as sharded Hugging
// Face weights that transformers loads and continues greedily as Espalier does, and imports back. Every step's
// peak RSS is printed next to its memory plan; the training steps' plans are held within 25 %.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIds } from '../../src-main/engine/generate/generate';
import { loadModel } from '../../src-main/engine/io/model-folder-format';
import { openSafetensors, readSafetensorsMetadata } from '../../src-main/engine/util/safetensors';
import { loadTokenizer } from '../../src-main/engine/tokenizer/index';
import { ROOT, runCli } from '../helpers/cli';
import { corpusText } from '../helpers/fixtures';
import { requirePython } from '../helpers/python';
import { testBackend } from '../support/model';
import { randomSubstrateCli } from '../helpers/cli-inputs';

const dir = mkdtempSync(join(tmpdir(), 'espalier-scale-'));
const p = (n: string): string => join(dir, n);
const GiB = 2 ** 30;
/** Each 208 M-parameter CLI run: about a minute per step on 2 free cores, several on a loaded machine. */
const LONG = 1_500_000;
let common: string[];

beforeAll(async () => {
  await testBackend();
  writeFileSync(p('text.txt'), corpusText('debian-faq.en.txt').slice(0, 60_000));
  expect(
    runCli(['vocab', 'build', '--corpus', p('text.txt'), '--ngrams', '400', '--out', p('vocab.json'), '--json']).code,
  ).toBe(0);
  expect(randomSubstrateCli(p('vocab.json'), 1024, p('sub.safetensors')).code).toBe(0);
  common = [
    '--data',
    p('text.txt'),
    '--vocab',
    p('vocab.json'),
    '--substrate',
    p('sub.safetensors'),
    '--layers',
    '16',
    '--heads',
    '16',
    '--context',
    '256',
    '--batch',
    '1',
    '--steps',
    '2',
    '--checkpoint-every',
    '1',
    '--eval-every',
    '100',
    '--threads',
    '2',
    '--backend',
    'wasm',
  ];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Peak {
  peakRssBytes: number;
  planBytes: number;
}
const peaks: string[] = [];

/** One line per CLI step, "step: peak X GiB, plan Y GiB, ratio r"; `strict` holds the plan within 25 %. */
function peakOf(step: string, r: Peak, strict: boolean): void {
  expect(r.peakRssBytes, step).toBeGreaterThan(0);
  expect(r.planBytes, step).toBeGreaterThan(0);
  const ratio = r.planBytes / r.peakRssBytes;
  const line = `${step}: peak ${(r.peakRssBytes / GiB).toFixed(2)} GiB, plan ${(r.planBytes / GiB).toFixed(2)} GiB, ratio ${ratio.toFixed(2)}`;
  peaks.push(line);
  console.log(`scale-2gib ${line}`);
  if (strict) expect(Math.abs(ratio - 1), line).toBeLessThan(0.25);
}

/** The number of tensors of `a` under `prefixes`, each byte-identical in `b` (one tensor of each file in memory). */
function sameTensors(a: string, b: string, prefixes: string[]): number {
  const ra = openSafetensors(a);
  const rb = openSafetensors(b);
  let n = 0;
  try {
    for (const name of ra.names().filter((x) => prefixes.some((pre) => x.startsWith(pre)))) {
      const ta = ra.read(name)!;
      const tb = rb.read(name);
      expect(tb, name).toBeDefined();
      expect(tb!.shape, name).toEqual(ta.shape);
      const bytes = (t: typeof ta) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      expect(Buffer.compare(bytes(ta), bytes(tb!)), name).toBe(0);
      n++;
    }
  } finally {
    ra.close();
    rb.close();
  }
  return n;
}

function checkpointStep(file: string): number | null {
  try {
    return (JSON.parse(readSafetensorsMetadata(file)['meta'] ?? '{}') as { step?: number }).step ?? null;
  } catch {
    return null;
  }
}

/** Every tensor and the trainer state of two checkpoints, compared tensor by tensor (never two files in memory). */
function sameCheckpoint(a: string, b: string): void {
  const ra = openSafetensors(a);
  const rb = openSafetensors(b);
  try {
    expect(rb.names()).toEqual(ra.names());
    for (const n of ra.names())
      expect(Buffer.compare(Buffer.from(ra.read(n)!.data.buffer), Buffer.from(rb.read(n)!.data.buffer)), n).toBe(0);
    const meta = (r: typeof ra) => {
      const m = JSON.parse(r.metadata['meta']!) as Record<string, unknown>;
      delete m['savedAt'];
      delete m['extra'];
      return m;
    };
    expect(meta(rb)).toEqual(meta(ra));
  } finally {
    ra.close();
    rb.close();
  }
}

describe('a model past 2 GiB on one machine', () => {
  it('trains, is SIGKILLed, resumes bit-identically, grows a tier, exports sharded to transformers and imports back', async () => {
    const plan = runCli(['train', ...common, '--plan', '--json']).json<{
      plan: { fits: boolean; bytes: { total: number } };
    }>().plan;
    expect(plan.fits).toBe(true);

    // The uninterrupted reference: 2 steps, a checkpoint after each.
    const ref = runCli(['train', ...common, '--out', p('ref'), '--json'], { timeoutMs: LONG });
    expect(ref.code, ref.stderr).toBe(0);
    const res = ref.json<Peak & { steps: number }>();
    expect(res.planBytes).toBe(plan.bytes.total);
    const size = statSync(p('ref/checkpoint.safetensors')).size;
    expect(size).toBeGreaterThan(2 * GiB);
    console.log(`scale-2gib: checkpoint ${(size / GiB).toFixed(2)} GiB (${size} bytes)`);
    peakOf('train (2 steps)', res, true);

    // The same run, killed without warning once its step-1 checkpoint is on disk.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${ROOT}/src-main/cli/main.ts`, 'train', ...common, '--out', p('run')],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    for (;;) {
      if (checkpointStep(p('run/checkpoint.safetensors')) === 1) break;
      if (child.exitCode !== null) throw new Error('the run ended before its first checkpoint');
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    await exited;
    expect(checkpointStep(p('run/checkpoint.safetensors'))).toBe(1);
    expect(readdirSync(p('run')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const resumed = runCli(['train', '--resume', p('run'), '--json'], { timeoutMs: LONG });
    expect(resumed.code, resumed.stderr).toBe(0);
    peakOf('train --resume (step 2)', resumed.json<Peak>(), true);
    sameCheckpoint(p('ref/checkpoint.safetensors'), p('run/checkpoint.safetensors'));

    // One more tier: a 17th block on the resumed model's 16, which stay frozen to the bit; one step.
    const growArgs = [
      'grow',
      '--from',
      p('run'),
      '--data',
      p('text.txt'),
      '--stages',
      '1',
      '--steps-per-stage',
      '1',
      '--batch',
      '1',
      '--eval-windows',
      '2',
      '--threads',
      '2',
      '--backend',
      'wasm',
      '--out',
      p('grown'),
      '--json',
    ];
    const g = runCli(growArgs, { timeoutMs: LONG });
    expect(g.code, g.stderr).toBe(0);
    const gj = g.json<
      Peak & { stages: { depth: number; steps: number; valLoss: number | null; checkpoint: string }[] }
    >();
    const st = gj.stages[0]!;
    expect(gj.stages.map((x) => x.depth)).toEqual([17]);
    expect(st.steps).toBe(1);
    peakOf('grow --from (16 frozen + 1 block, 1 step)', gj, true);
    const blocks = Array.from({ length: 16 }, (_, i) => `blocks.${i}.`);
    const grownWeights = join(st.checkpoint, 'model.safetensors');
    const perBlock = sameTensors(p('run/model.safetensors'), grownWeights, ['blocks.0.']);
    expect(perBlock).toBeGreaterThan(0);
    expect(sameTensors(p('run/model.safetensors'), grownWeights, blocks)).toBe(16 * perBlock);
    const grown = openSafetensors(grownWeights);
    expect(grown.names().filter((n) => n.startsWith('blocks.16.')).length).toBe(perBlock);
    grown.close();
    const grownCkpt = join(st.checkpoint, 'checkpoint.safetensors');
    console.log(
      `scale-2gib: grown model ${(statSync(grownWeights).size / GiB).toFixed(2)} GiB, its checkpoint ${(statSync(grownCkpt).size / GiB).toFixed(2)} GiB (${statSync(grownCkpt).size} bytes)`,
    );
    expect(statSync(grownWeights).size).toBeGreaterThan(statSync(p('run/model.safetensors')).size);
    // The same command again resumes the finished run: nothing retrains, the same result.
    const again = runCli(growArgs, { timeoutMs: LONG });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/stage 1\/1 \(depth 17\):/);
    expect(again.json<{ stages: { valLoss: number | null }[] }>().stages[0]!.valLoss).toBe(st.valLoss);

    // The grown model as sharded Hugging Face weights (400 MB shards), loaded by transformers with no custom code.
    const ex = runCli(
      ['export', '--format', 'hf', '--model', st.checkpoint, '--out', p('hf'), '--max-shard-size', '400', '--json'],
      { timeoutMs: LONG },
    );
    expect(ex.code, ex.stderr).toBe(0);
    peakOf('export --format hf (17 blocks)', ex.json<Peak>(), false);
    const files = readdirSync(p('hf'));
    expect(files).toContain('model.safetensors.index.json');
    expect(files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThanOrEqual(2);
    const tok = loadTokenizer(p('vocab.json'));
    const prompt = [...tok.encode(corpusText('debian-faq.en.txt').slice(70_000, 70_200))].slice(0, 16);
    const { model } = loadModel(st.checkpoint);
    const mine = [
      ...(await generateIds(model, [Int32Array.from(prompt)], { maxTokens: 8, temperature: 0, topK: 0, topP: 1 }))
        .ids[0]!,
    ];
    model.dispose();
    writeFileSync(p('jobs.json'), JSON.stringify([{ folder: p('hf'), prompts: [prompt], new: 8 }]));
    const py = spawnSync(
      requirePython(['torch', 'transformers']),
      [join(ROOT, 'test/python/hf_model.py'), p('jobs.json')],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    expect(py.status, py.stderr).toBe(0);
    const hf = (JSON.parse(py.stdout) as { architecture: string; prompts: { greedy: number[] }[] }[])[0]!;
    expect(hf.architecture).toBe('ArceeForCausalLM');
    expect(hf.prompts[0]!.greedy).toEqual(mine);

    // And back: the shards import into a model folder that continues the prompt the same way.
    const imp = runCli(['import', '--format', 'hf', '--from', p('hf'), '--out', p('back'), '--json'], {
      timeoutMs: LONG,
    });
    expect(imp.code, imp.stderr).toBe(0);
    peakOf('import --format hf (17 blocks)', imp.json<Peak>(), false);
    const back = loadModel(p('back')).model;
    expect([
      ...(await generateIds(back, [Int32Array.from(prompt)], { maxTokens: 8, temperature: 0, topK: 0, topP: 1 }))
        .ids[0]!,
    ]).toEqual(mine);
    back.dispose();
    expect(existsSync(p('back/model.safetensors'))).toBe(true);
    console.log(`scale-2gib peak RSS per step:\n${peaks.join('\n')}`);
  }, 3_600_000);
});
