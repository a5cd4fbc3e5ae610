// Real `espalier` processes on folders that hold links they did not make: weights, checkpoints, configs, tokenizers
// and evaluation data pointing at /dev/zero, /etc/passwd or /proc/self/environ are refused in one line at once (and
// never quoted back); a Hugging Face folder laid out like the HF cache (files linking into a blobs folder inside it)
// imports, while one whose links leave it is refused.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli';
import { inputArgs, shapeArgs } from './helpers/cli-inputs';

const SECRET = 'ESPALIER-SECRET-ENV-c29b04';
let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

function cli(args: string[]): CliResult {
  return runCli(args, {
    timeoutMs: 60_000,
    env: { ESPALIER_TEST_SECRET: SECRET, ESPALIER_BACKEND: 'wasm', ESPALIER_WASM_THREADS: '1' },
  });
}

/** Exit 1 with one error line matching `pattern`, nothing of the environment or /etc/passwd, no stack. */
function expectRefused(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('espalier: error:'));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(r.stderr + r.stdout).not.toContain(SECRET);
  expect(r.stderr + r.stdout).not.toMatch(/root:x?:0:0/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A copy of folder `src` named `name` whose `file` is a symlink to `target`. */
function withLink(src: string, name: string, file: string, target: string): string {
  const d = p(name);
  cpSync(src, d, { recursive: true });
  rmSync(join(d, file));
  symlinkSync(target, join(d, file));
  return d;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-cli-untrusted-'));
  const w = ['wire', 'frame', 'tier', 'branch', 'apple', 'grows', 'along', 'the', 'light', 'garden'];
  writeFileSync(
    p('text.txt'),
    Array.from({ length: 400 }, (_, i) => Array.from({ length: 10 }, (_, j) => w[(i * 7 + j * 3) % 10]).join(' ')).join(
      '\n',
    ),
  );
  for (const args of [
    ['vocab', 'build', '--corpus', p('text.txt'), '--ngrams', '30', '--out', p('vocab.json')],
    [
      'substrate',
      'build',
      '--kind',
      'random',
      '--vocab',
      p('vocab.json'),
      '--dim',
      '16',
      '--out',
      p('sub.safetensors'),
    ],
    [
      'train',
      ...inputArgs(p, 'text.txt'),
      ...shapeArgs({ layers: 1, heads: 2, context: 16, batch: 4 }),
      '--steps',
      '10',
      '--out',
      p('run'),
    ],
    ['export', '--format', 'hf', '--model', p('run'), '--out', p('hf')],
  ]) {
    const r = runCli(args, { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`espalier ${args.join(' ')} failed:\n${r.stderr}`);
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval --model with linked files', () => {
  it.each([
    ['model.safetensors', '/dev/zero', /model\.safetensors: is not a regular file/],
    ['config.json', '/proc/self/environ', /config\.json: is a system pseudo-file \(proc\), not a model config/],
    ['config.json', '/etc/passwd', /config\.json: the model config is not valid JSON/],
    ['tokenizer.json', '/dev/zero', /tokenizer\.json: is not a regular file/],
    ['tokenizer.json', '/proc/self/environ', /tokenizer\.json: is a system pseudo-file/],
  ])('%s → %s is refused in one line', (file, target, pattern) => {
    const model = withLink(p('run'), `eval-${file}-${target.replace(/\//g, '_')}`, file, target);
    expectRefused(cli(['eval', '--model', model, '--task', 'ppl', '--data', p('text.txt')]), pattern);
  });

  it('--data /dev/zero or /proc/self/environ is refused before anything is read', () => {
    expectRefused(
      cli(['eval', '--model', p('run'), '--task', 'ppl', '--data', '/dev/zero']),
      /^espalier: error: \/dev\/zero: is not a regular file .*evaluation data file/,
    );
    symlinkSync('/proc/self/environ', p('data-link.txt'));
    expectRefused(
      cli(['eval', '--model', p('run'), '--task', 'ppl', '--data', p('data-link.txt')]),
      /data-link\.txt: is a system pseudo-file/,
    );
  });
});

describe('train --resume with a linked checkpoint', () => {
  it('checkpoint.safetensors → /dev/zero is refused in one line', () => {
    const run = withLink(p('run'), 'resume-zero', 'checkpoint.safetensors', '/dev/zero');
    expectRefused(cli(['train', '--resume', run, '--steps', '20']), /checkpoint\.safetensors: is not a regular file/);
  });
});

describe('import --format hf', () => {
  it.each([
    ['model.safetensors', '/dev/zero'],
    ['config.json', '/etc/passwd'],
    ['config.json', '/proc/self/environ'],
    ['tokenizer.json', '/etc/passwd'],
  ])('%s linking out of the folder (→ %s) is refused', (file, target) => {
    const from = withLink(p('hf'), `hf-${file}-${target.replace(/\//g, '_')}`, file, target);
    expectRefused(
      cli(['import', '--format', 'hf', '--from', from, '--out', p(`out-${readdirSync(dir).length}`)]),
      /link leading outside the imported folder/,
    );
  });

  it('a link to a copy outside the folder is refused too', () => {
    mkdirSync(p('elsewhere'));
    copyFileSync(p('hf', 'model.safetensors'), p('elsewhere', 'model.safetensors'));
    const from = withLink(p('hf'), 'hf-elsewhere', 'model.safetensors', p('elsewhere', 'model.safetensors'));
    expectRefused(
      cli(['import', '--format', 'hf', '--from', from, '--out', p('out-elsewhere')]),
      /model\.safetensors: the weights file is a link leading outside the imported folder/,
    );
  });

  it('imports a folder whose files link into a blobs folder inside it (the Hugging Face cache layout)', () => {
    const from = p('hf-cache-style');
    mkdirSync(join(from, 'blobs'), { recursive: true });
    for (const f of readdirSync(p('hf'))) {
      copyFileSync(p('hf', f), join(from, 'blobs', `blob-${f.length}-${f.replace(/\W/g, '')}`));
      symlinkSync(join('blobs', `blob-${f.length}-${f.replace(/\W/g, '')}`), join(from, f));
    }
    const r = cli(['import', '--format', 'hf', '--from', from, '--out', p('back-cache-style'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(p('back-cache-style'))).toEqual(
      expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json']),
    );
  });

  it('imports a cache snapshot (models--org--name/snapshots/<rev>/ linking to ../../blobs), refuses links out of the entry', () => {
    const entry = p('hub', 'models--espalier--tiny');
    mkdirSync(join(entry, 'blobs'), { recursive: true });
    const snap = join(entry, 'snapshots', '0123abcd');
    mkdirSync(snap, { recursive: true });
    for (const f of readdirSync(p('hf'))) {
      copyFileSync(p('hf', f), join(entry, 'blobs', `sha-${f.replace(/\W/g, '')}`));
      symlinkSync(join('..', '..', 'blobs', `sha-${f.replace(/\W/g, '')}`), join(snap, f));
    }
    const r = cli(['import', '--format', 'hf', '--from', snap, '--out', p('back-snapshot'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    rmSync(join(snap, 'tokenizer.json'));
    symlinkSync('/etc/passwd', join(snap, 'tokenizer.json'));
    expectRefused(
      cli(['import', '--format', 'hf', '--from', snap, '--out', p('back-snapshot-2')]),
      /tokenizer\.json: the tokenizer file is a link leading outside the imported folder/,
    );
  });
});
