// A dataset larger than the browser's 64 MiB upload limit, imported in Electron mode from a path the native dialog
// returned (a function stands in for Electron's dialog): the worker streams it — the text is extracted and its
// tokens counted block by block — with progress, and the import job's memory grows by far less than the file.
// Browser mode still refuses a host path; a link or a folder is refused with one line.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusText } from './helpers/fixtures';
import { seedProject, startTestApp, waitForRun } from './support/app';
import { buildTokenizer, saveTokenizer } from '../src-main/engine/tokenizer/index';
import { READ_LIMITS } from '../src-main/engine/util/read-capped';
import { ROOT } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'espalier-large-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const big = join(dir, 'big corpus.txt');
let block: string;
let repeats: number;

beforeAll(() => {
  // ≈ 96 MiB from repeated demo-world text (English and Russian), written a block at a time.
  block = `${corpusText('en.txt')}\n\n${corpusText('ru.txt')}\n\n`;
  const bytes = Buffer.byteLength(block);
  repeats = Math.ceil((READ_LIMITS.upload * 1.5) / bytes);
  writeFileSync(big, '');
  for (let i = 0; i < repeats; i++) appendFileSync(big, block);
}, 120_000);

describe('importing a file beyond the upload limit by path', () => {
  it('Electron: the dialog-granted path imports, streamed, with progress and its tokens counted', async () => {
    expect(statSync(big).size).toBeGreaterThan(READ_LIMITS.upload);
    const app = startTestApp({ mode: 'electron', hostPaths: 'granted', chooseFile: async () => big });
    try {
      const s = seedProject(app); // a project with a tokenizer: the import counts the new text's tokens too
      expect(await app.call('files.choose', { purpose: 'dataset' })).toEqual({ path: big });
      const { runId } = await app.call('datasets.import', { projectId: s.projectId, path: big, split: 'train' });
      const run = await waitForRun(app, runId, undefined, 600_000);
      expect(run.status, run.error ?? '').toBe('done');
      const messages = app.seen.filter((e) => e.channel === 'run.updated').map((e) => JSON.stringify(e.payload));
      expect(messages.some((m) => /MB, \d+ records/.test(m))).toBe(true);
      const d = (await app.call('datasets.list', { projectId: s.projectId })).find((x) => x.name === 'big corpus')!;
      expect(d.characters).toBe([...block].length * repeats);
      expect(d.tokens).toBeGreaterThan(0);
    } finally {
      await app.dispose();
    }
  }, 900_000);

  it("the import job's peak memory grows by far less than the file, and its token count equals whole-text encoding", async () => {
    const tok = buildTokenizer([corpusText('en.txt')], { ngrams: 300 });
    const tokFile = join(dir, 'tok.json');
    saveTokenizer(tok, tokFile);
    // 256 MiB (four upload limits), in a fresh process whose JavaScript heap is capped (48 MiB old space, 2 MiB
    // semi-spaces): an import that held the text or its ids could not finish, and what RSS still grows by is the
    // runtime's own slack (≈ 70 MB here; uncapped ≈ 0.2 GB whatever the file size: 0.19 GB at 137 MB, 0.20 at 410).
    const large = join(dir, 'large.txt');
    writeFileSync(large, '');
    const n = Math.ceil((READ_LIMITS.upload * 4) / Buffer.byteLength(block));
    for (let i = 0; i < n; i++) appendFileSync(large, block);
    const res = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=48',
        '--max-semi-space-size=2',
        '--import',
        'tsx',
        join(ROOT, 'test/support/import-rss.ts'),
        large,
        join(dir, 'out.txt'),
        tok.id,
        tokFile,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 },
    );
    expect(res.status, res.stderr).toBe(0);
    const { before, peak, result, progress } = JSON.parse(res.stdout) as {
      before: number;
      peak: number;
      result: { stats: { characters: number }; tokens: { tokens: number } };
      progress: string[];
    };
    const out = result;
    const peakGrowth = peak - before;
    const size = statSync(large).size;
    rmSync(large);
    expect(peakGrowth).toBeLessThan(size / 2);
    expect(out.stats.characters).toBe([...block].length * n);
    // Encoding is per block here; the same text encoded whole (once per repeat, cut at the blank line) agrees.
    expect(out.tokens.tokens).toBe(tok.encode(block).length * n);
    expect(progress.filter((m) => /of [\d.]+ MB/.test(m)).length).toBeGreaterThan(10);
  }, 900_000);

  it('browser mode refuses a host path; a link or a folder is refused with one line', async () => {
    const browser = startTestApp({ mode: 'browser', hostPaths: 'refuse' });
    try {
      const { id: projectId } = await browser.call('projects.create', { name: 'browser' });
      const r = await browser.raw('datasets.import', { projectId, path: big });
      expect(r).toMatchObject({ ok: false, error: { code: 'user-error' } });
      expect(await browser.raw('files.choose', { purpose: 'dataset' })).toMatchObject({ ok: false });
    } finally {
      await browser.dispose();
    }
    const link = join(dir, 'link.txt');
    symlinkSync(big, link);
    const app = startTestApp({ hostPaths: 'any' });
    try {
      const { id: projectId } = await app.call('projects.create', { name: 'links' });
      const viaLink = await app.raw('datasets.import', { projectId, path: link });
      expect(viaLink.error?.message).toBe(
        `${link} is a symbolic link; choose the file it points to (datasets are read in place)`,
      );
      const folder = await app.raw('datasets.import', { projectId, path: dir });
      expect(folder.error?.message).toMatch(/is not a file/);
    } finally {
      await app.dispose();
    }
  });
});
