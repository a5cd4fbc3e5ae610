// A full disk, for real: the workspace on a 4 MiB tmpfs. An upload that does not fit fails as a user error
// naming the file and saying to free space, leaves no partial file, and the workspace keeps working; a failed
// import leaves no upload behind. (Mounting needs root, as .ci/run and this machine have.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let mnt: string;
let app: TestApp;

beforeAll(() => {
  mnt = mkdtempSync(join(tmpdir(), 'espalier-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `this test mounts a 4 MiB tmpfs and needs root (run the tests as root, as .ci/run does): ${(err as Error).message}`,
    );
  }
  mkdirSync(join(mnt, 'ws'));
  app = startTestApp({}, join(mnt, 'ws'));
});
afterAll(async () => {
  await app?.close();
  execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

const uploadsDir = () => join(mnt, 'ws', 'datasets', 'uploads');
const uploads = () => (existsSync(uploadsDir()) ? readdirSync(uploadsDir()) : []);

describe('ENOSPC', () => {
  it('an upload bigger than the free space is a user error naming the file; nothing partial stays; the workspace works on', async () => {
    const { id: projectId } = await app.call('projects.create', { name: 'full' });
    const big = Buffer.alloc(6 * 2 ** 20, 'all work and no play\n').toString('base64');
    const r = await app.raw('datasets.import', { projectId, upload: { fileName: 'big.txt', base64: big } });
    expect(r).toMatchObject({ ok: false, error: { code: 'user-error' } });
    expect(r.error!.message).toMatch(
      /big\.txt: the disk is full \(no space left to write it\); free some space, then try again$/,
    );
    expect(uploads()).toEqual([]);
    expect(app.workspace.runs.list({ projectId })).toEqual([]);

    // The space came back: later requests (writes included) work, and a small upload imports.
    await app.call('projects.rename', { id: projectId, name: 'still works' });
    const small = Buffer.from('a small text that fits\n'.repeat(50)).toString('base64');
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: { fileName: 'small.txt', base64: small },
    });
    const done = await waitForRun(app, runId);
    expect(done.status, done.error ?? '').toBe('done');
    expect((await app.call('datasets.list', { projectId })).map((d) => d.name)).toEqual(['small']);
    expect(uploads()).toHaveLength(1);
    expect(app.workspace.db.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 120_000);

  it('a failed import leaves no upload behind', async () => {
    const { id: projectId } = await app.call('projects.create', { name: 'bad import' });
    const before = uploads();
    expect(before).toHaveLength(1);
    const binary = Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7]).toString('base64');
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: { fileName: 'noise.txt', base64: binary },
    });
    const r = await waitForRun(app, runId);
    expect(r.status).toBe('failed');
    expect(uploads()).toEqual(before);
    expect(readdirSync(join(mnt, 'ws', 'datasets')).filter((n) => n.endsWith('.txt'))).toHaveLength(1);
  }, 120_000);

  it('the CLI says the same in one line when its output does not fit', () => {
    const filler = join(mnt, 'filler');
    try {
      // Fill what is left, then ask the CLI to write.
      try {
        writeFileSync(filler, Buffer.alloc(8 * 2 ** 20));
      } catch {
        // ENOSPC: the disk is now full, with a partial filler file.
      }
      const corpus = join(mnt, '..', `${basename(mnt)}-corpus.txt`);
      writeFileSync(corpus, 'words for a vocabulary\n'.repeat(200));
      const r = runCli(['vocab', 'build', '--corpus', corpus, '--ngrams', '5', '--out', join(mnt, 'vocab.json')]);
      rmSync(corpus, { force: true });
      expect(r.code).toBe(1);
      // Progress lines may come first (stderr, plain on a non-terminal); the error itself is one line, last, no stack.
      const lines = r.stderr.trim().split('\n');
      expect(lines.filter((l) => l.startsWith('espalier: error:'))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(
        /^espalier: error: .*vocab\.json.*: the disk is full \(no space left to write it\); free some space, then try again$/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(filler, { force: true });
    }
  }, 120_000);
});
