// `espalier train` on a disk that fills up, for real (a 1 MiB tmpfs; mounting needs root, as .ci/run has): the
// advice is a way forward, never a circle — "start over with --force" when no checkpoint was written, "continue
// with --resume" when one was; --resume and --out then agree with it, and following it works.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli';
import { inputArgs, shapeArgs } from './helpers/cli-inputs';

let dir: string;
let mnt: string;
const p = (...parts: string[]) => join(dir, ...parts);

function cli(args: string[]): CliResult {
  return runCli(args, { timeoutMs: 120_000, env: { ESPALIER_BACKEND: 'wasm', ESPALIER_WASM_THREADS: '1' } });
}
function errorLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('espalier: error:'));
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}
/** Fills the tmpfs until about `leave` bytes are free. */
function fillLeaving(leave: number): string {
  const filler = join(mnt, 'filler');
  rmSync(filler, { force: true });
  const st = statfsSync(mnt);
  const free = Number(st.bavail) * Number(st.bsize);
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - leave)));
  return filler;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-train-full-'));
  mnt = p('mnt');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `this test mounts a 1 MiB tmpfs and needs root (run the tests as root, as .ci/run does): ${(err as Error).message}`,
    );
  }
  const w = ['wire', 'frame', 'tier', 'branch', 'apple', 'grows', 'along', 'the', 'light', 'garden'];
  writeFileSync(
    p('text.txt'),
    Array.from({ length: 400 }, (_, i) => Array.from({ length: 10 }, (_, j) => w[(i * 7 + j * 3) % 10]).join(' ')).join(
      '\n',
    ),
  );
  expect(cli(['vocab', 'build', '--corpus', p('text.txt'), '--ngrams', '30', '--out', p('vocab.json')]).code).toBe(0);
  expect(
    cli([
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
    ]).code,
  ).toBe(0);
}, 120_000);
afterAll(() => {
  try {
    execFileSync('umount', [mnt]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const train = (out: string, ...extra: string[]) =>
  cli([
    'train',
    ...inputArgs(p, 'text.txt'),
    ...shapeArgs({ layers: 1, heads: 2, context: 16, batch: 4 }),
    '--out',
    out,
    ...extra,
  ]);

describe('train on a full disk', () => {
  it('fails at the first checkpoint: says --force; --resume and --out say the same; --force then works', () => {
    const run = join(mnt, 'first');
    const filler = fillLeaving(40 * 1024);
    const r = train(run, '--steps', '20', '--checkpoint-every', '5');
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(
      /: the disk is full \(no space left to write it\); no checkpoint was written yet: free some space, then start over with --out .*first --force$/,
    );
    rmSync(filler);
    const resume = errorLine(cli(['train', '--resume', run, '--steps', '20']));
    expect(resume).toMatch(/nothing to resume\); start it over with --out .*first --force$/);
    const out = errorLine(train(run, '--steps', '20'));
    expect(out).toMatch(
      /no checkpoint\.safetensors to resume from; start the run over in it with --force, or choose an empty folder$/,
    );
    expect(out).not.toMatch(/--resume/);
    const again = train(run, '--steps', '10', '--force');
    expect(again.code, again.stderr).toBe(0);
  }, 240_000);

  it('fails at a later checkpoint: says the last good one is kept and --resume continues it; it does', () => {
    const run = join(mnt, 'later');
    rmSync(join(mnt, 'first'), { recursive: true, force: true });
    const filler = fillLeaving(170 * 1024);
    const r = train(run, '--steps', '20', '--checkpoint-every', '5');
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(
      /: the disk is full \(no space left to write it\); the last good checkpoint \(step 5\) is kept: free some space, then continue with --resume .*later$/,
    );
    rmSync(filler);
    const resumed = cli(['train', '--resume', run, '--steps', '20']);
    expect(resumed.code, resumed.stderr).toBe(0);
  }, 240_000);
});
