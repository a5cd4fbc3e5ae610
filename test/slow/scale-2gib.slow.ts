// The paper's sizes on one machine, end to end (`npm run test:slow`): a 16 × d 1024 model whose checkpoint passes
// 2 GiB trains on the CPU, is SIGKILLed after its first checkpoint, resumes with `--resume DIR` alone to the same
// bits as an uninterrupted run, exports as sharded Hugging Face weights that transformers loads and continues
// greedily as Espalier does, and imports back. Peak RSS is printed next to the memory plan (within 25 %).
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
  expect(
    runCli([
      'substrate',
      'build',
      '--kind',
      'random',
      '--vocab',
      p('vocab.json'),
      '--dim',
      '1024',
      '--out',
      p('sub.safetensors'),
      '--json',
    ]).code,
  ).toBe(0);
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
  it('trains, is SIGKILLed, resumes bit-identically, exports sharded to transformers and imports back', async () => {
    const plan = runCli(['train', ...common, '--plan', '--json']).json<{
      plan: { fits: boolean; bytes: { total: number } };
    }>().plan;
    expect(plan.fits).toBe(true);

    // The uninterrupted reference: 2 steps, a checkpoint after each.
    const ref = runCli(['train', ...common, '--out', p('ref'), '--json'], { timeoutMs: LONG });
    expect(ref.code, ref.stderr).toBe(0);
    const res = ref.json<{ steps: number; peakRssBytes: number; planBytes: number }>();
    const size = statSync(p('ref/checkpoint.safetensors')).size;
    expect(size).toBeGreaterThan(2 * GiB);
    console.log(
      `scale-2gib: checkpoint ${(size / GiB).toFixed(2)} GiB; peak RSS ${(res.peakRssBytes / GiB).toFixed(2)} GiB, plan ${(res.planBytes / GiB).toFixed(2)} GiB (ratio ${(res.planBytes / res.peakRssBytes).toFixed(2)})`,
    );
    expect(Math.abs(res.planBytes / res.peakRssBytes - 1)).toBeLessThan(0.25);

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
    sameCheckpoint(p('ref/checkpoint.safetensors'), p('run/checkpoint.safetensors'));

    // Sharded Hugging Face export (400 MB shards), loaded by transformers with no custom code.
    const ex = runCli(
      ['export', '--format', 'hf', '--model', p('run'), '--out', p('hf'), '--max-shard-size', '400', '--json'],
      { timeoutMs: LONG },
    );
    expect(ex.code, ex.stderr).toBe(0);
    const files = readdirSync(p('hf'));
    expect(files).toContain('model.safetensors.index.json');
    expect(files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThanOrEqual(2);
    const tok = loadTokenizer(p('vocab.json'));
    const prompt = [...tok.encode(corpusText('debian-faq.en.txt').slice(70_000, 70_200))].slice(0, 16);
    const { model } = loadModel(p('run'));
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
    const back = loadModel(p('back')).model;
    expect([
      ...(await generateIds(back, [Int32Array.from(prompt)], { maxTokens: 8, temperature: 0, topK: 0, topP: 1 }))
        .ids[0]!,
    ]).toEqual(mine);
    back.dispose();
    expect(existsSync(p('back/model.safetensors'))).toBe(true);
  }, 3_600_000);
});
