// A corpus of the paper's size on one machine (`npm run test:slow`): a 3 GB text generated in a temp folder is
// tokenized by `train` into a token file (streaming, with progress) and trained from window by window, the
// whole CLI process staying under 1.5 GiB of peak resident memory. About 3 minutes on 2 idle cores (the
// tokenizer runs at about 20 MiB/s of one core on this text); much longer on a loaded machine.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHeader } from '../../src-main/engine/tokens/token-file';
import { runCli } from '../helpers/cli';
import { corpusText } from '../helpers/fixtures';
import { randomSubstrateCli } from '../helpers/cli-inputs';

const dir = mkdtempSync(join(tmpdir(), 'espalier-token-corpus-'));
const p = (n: string): string => join(dir, n);
const GiB = 2 ** 30;
const BYTES = 3_000_000_000;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` (or a little more) of documents: the fixture's text, blank-line separated, repeated. */
function generate(file: string, bytes: number): number {
  const block = Buffer.from(corpusText('debian-faq.en.txt').replace(/\n*$/, '\n\n'));
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    while (written < bytes) written += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return written;
}

describe('a multi-GB corpus', () => {
  it('is tokenized to a token file and trained from in bounded memory', () => {
    writeFileSync(p('seed.txt'), corpusText('debian-faq.en.txt').slice(0, 60_000));
    expect(
      runCli(['vocab', 'build', '--corpus', p('seed.txt'), '--ngrams', '400', '--out', p('vocab.json'), '--json']).code,
    ).toBe(0);
    expect(randomSubstrateCli(p('vocab.json'), 32, p('sub.safetensors')).code).toBe(0);
    const size = generate(p('big.txt'), BYTES);
    const t0 = performance.now();
    const r = runCli(
      [
        'train',
        '--data',
        p('big.txt'),
        '--vocab',
        p('vocab.json'),
        '--substrate',
        p('sub.safetensors'),
        '--layers',
        '1',
        '--heads',
        '4',
        '--context',
        '64',
        '--batch',
        '8',
        '--steps',
        '3',
        '--eval-every',
        '3',
        '--threads',
        '2',
        '--out',
        p('run'),
        '--json',
      ],
      { timeoutMs: 1_800_000 },
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).toMatch(/tokenize \d+\/\d+ MiB/);
    const res = r.json<{ steps: number; valLoss: number; peakRssBytes: number; validation: { available: number } }>();
    const h = readHeader(p('run/data.tokens'))!;
    expect(h).toMatchObject({ complete: true, dtype: 'uint16', source: { bytes: size } });
    expect(statSync(p('run/data.tokens')).size).toBe((h.trainTokens + h.valTokens) * 2);
    expect(res.steps).toBe(3);
    expect(Number.isFinite(res.valLoss)).toBe(true);
    expect(res.validation.available).toBe(Math.floor((h.valTokens - 1) / 64));
    console.log(
      `token-corpus: ${(size / 1e9).toFixed(2)} GB of text → ${h.trainTokens} + ${h.valTokens} tokens; train CLI ${seconds.toFixed(0)} s, peak RSS ${(res.peakRssBytes / GiB).toFixed(2)} GiB`,
    );
    expect(res.peakRssBytes).toBeLessThan(1.5 * GiB);
  });
});
