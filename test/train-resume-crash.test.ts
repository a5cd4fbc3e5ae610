// `espalier train` as a user hits it: SIGKILL mid-run, then `train --resume DIR` alone continues (tokenizer,
// substrate reference, data path and hash come from the run folder); a changed data file is refused unless
// --data names it; a non-empty --out is refused unless --resume or --force.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensorsMetadata } from '../src-main/engine/util/safetensors';
import { ROOT, runCli } from './helpers/cli';
import { fileArgs, shapeArgs, randomSubstrateCli } from './helpers/cli-inputs';

let dir: string;
let text: string;
let vocab: string;
let sub: string;

/** Deterministic English-like text (no external corpus needed). */
function corpus(words: number): string {
  const vocabWords = [
    'the',
    'garden',
    'grows',
    'along',
    'a',
    'frame',
    'of',
    'wire',
    'and',
    'every',
    'tier',
    'is',
    'trained',
    'in',
    'turn',
    'apple',
    'pear',
    'branch',
    'spring',
    'light',
  ];
  let x = 12345;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(vocabWords[x % vocabWords.length]!);
    if (i % 12 === 11) out.push('.\n');
  }
  return out.join(' ');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-resume-'));
  text = join(dir, 'text.txt');
  writeFileSync(text, corpus(6000));
  vocab = join(dir, 'vocab.json');
  sub = join(dir, 'sub.safetensors');
  expect(runCli(['vocab', 'build', '--corpus', text, '--ngrams', '40', '--out', vocab, '--json']).code).toBe(0);
  expect(randomSubstrateCli(vocab, 16, sub).code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shape = [...shapeArgs({ layers: 1, heads: 2, context: 16, batch: 4 }), '--threads', '1', '--backend', 'wasm'];

describe('train --resume after SIGKILL', () => {
  it('continues from the folder alone, and refuses a changed data file unless --data is given', async () => {
    const out = join(dir, 'run');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'src-main/cli/main.ts'),
        'train',
        ...fileArgs(text, vocab, sub),
        ...shape,
        '--steps',
        '100000',
        '--checkpoint-every',
        '5',
        '--eval-every',
        '50',
        '--out',
        out,
      ],
      { cwd: ROOT },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<string | null>((r) => child.once('exit', (_c, sig) => r(sig)));
    const t0 = Date.now();
    while (!existsSync(join(out, 'checkpoint.safetensors')) && Date.now() - t0 < 90_000)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    expect(await exited, err).toBe('SIGKILL');
    // What a crash leaves: the checkpoint and the run inputs, no exported model.
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'substrate.json'), 'utf8'))).toMatchObject({ file: sub });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    // On an idle machine the run may get well past its first checkpoint before the kill lands: resume to 25 steps
    // beyond wherever the last checkpoint stands.
    const killedAt = (
      JSON.parse(readSafetensorsMetadata(join(out, 'checkpoint.safetensors'))['meta']!) as { step: number }
    ).step;
    expect(killedAt % 5).toBe(0);
    const target = killedAt + 25;

    const resumed = runCli([
      'train',
      '--resume',
      out,
      '--steps',
      String(target),
      '--threads',
      '1',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ steps: target, out });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);

    appendFileSync(text, '\nan extra line changes the data\n');
    const changed = runCli([
      'train',
      '--resume',
      out,
      '--steps',
      String(target + 5),
      '--threads',
      '1',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      new RegExp(
        `${text.replace(/[.]/g, '\\.')}: changed since the run started .*pass --data FILE to continue on other data`,
      ),
    );
    const explicit = runCli([
      'train',
      '--resume',
      out,
      '--data',
      text,
      '--steps',
      String(target + 5),
      '--threads',
      '1',
      '--backend',
      'wasm',
      '--json',
    ]);
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(explicit.stderr).toMatch(/differs from the data the run started on; continuing on it as --data asks/);
    expect(explicit.json()).toMatchObject({ steps: target + 5 });
  }, 300_000);
});

describe('train --out', () => {
  it('refuses a non-empty folder unless --resume or --force', () => {
    const out = join(dir, 'taken');
    const common = [
      ...fileArgs(text, vocab, sub),
      ...shape,
      '--steps',
      '4',
      '--eval-every',
      '2',
      '--out',
      out,
      '--json',
    ];
    expect(runCli(['train', ...common]).code).toBe(0);
    const before = readFileSync(join(out, 'checkpoint.safetensors'));
    const again = runCli(['train', ...common]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /--out .*taken: the folder already holds a training run \(its checkpoint would be replaced\); continue it with --resume .*, replace it with --force, or choose an empty folder/,
    );
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(true);
    const forced = runCli(['train', ...common, '--force', '--seed', '3']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(false);
  }, 180_000);
});
