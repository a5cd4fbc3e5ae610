// `espalier merge --tune-heads`: the experts' heads train through the merge with the engine's own gradients,
// the held-out loss on the union of both corpora falls, the heads are saved in the merge folder and reloaded,
// and the experts' own folders are untouched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli';
import { corpusText } from '../../../test/helpers/fixtures';
import { initBackend } from '../../engine/backend';
import { loadMergedModel } from '../../engine/compose/spec';
import { meanCrossEntropy } from '../../engine/compose/preview';
import { readTunedHeadsInfo } from '../../engine/compose/tuned-heads';
import { exportModel } from '../../engine/io';
import { GPT } from '../../engine/model/gpt';
import { randomSubstrate } from '../../../test/support/model';
import { buildTokenizer, loadTokenizer, tokenizerToJson } from '../../engine/tokenizer';
import { holdoutSplit } from '../../engine/train/holdout';
import { sha256Hex } from '../../engine/util/hash';
import { folderLoader } from '../merge-experts';

const dir = mkdtempSync(join(tmpdir(), 'espalier-merge-tune-'));
const p = (name: string) => join(dir, name);

/** Russian and Chinese text from the demo world (test/helpers/fixtures). */
function faq(lang: 'ru' | 'zh', chars: number): string {
  return corpusText(`${lang}.txt`).slice(20_000, 20_000 + chars);
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const ru = faq('ru', 3000);
  const zh = faq('zh', 1500);
  writeFileSync(p('ru.txt'), ru);
  writeFileSync(p('zh.txt'), zh);
  const tok = buildTokenizer([ru, zh], { ngrams: 0 });
  const sub = randomSubstrate(tok.size, 16, 1, tok.id);
  const config = { vocabSize: tok.size, heads: 2, contextLength: 32, mlpRatio: 2, layers: 1, dModel: 16 };
  for (const [name, seed] of [
    ['ru', 1],
    ['zh', 2],
  ] as const) {
    const m = GPT.create({ config, substrate: sub, tokenizerId: tok.id, seed });
    exportModel(p(name), m, { tokenizerJson: tokenizerToJson(tok) });
    m.dispose();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier merge --tune-heads', () => {
  it('lowers the held-out loss on the union, saves the heads and reloads them', async () => {
    const weights = (name: string) => sha256Hex(readFileSync(p(`${name}/model.safetensors`)));
    const before = [weights('ru'), weights('zh')];
    const common = ['merge', '--expert', p('ru'), '--expert', p('zh'), '--json', '--backend', 'wasm'];
    const r = runCli([
      ...common,
      '--out',
      p('tuned'),
      '--tune-heads',
      '40',
      '--data',
      p('ru.txt'),
      '--data',
      p('zh.txt'),
      '--context',
      '32',
    ]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const tuning = r.json<{ tuning: { zeroShotLoss: number; tunedLoss: number; steps: number; file: string } }>()
      .tuning;
    expect(tuning.steps).toBe(40);
    expect(tuning.tunedLoss).toBeLessThan(tuning.zeroShotLoss - 0.05);
    expect(tuning.file).toBe(p('tuned/heads.safetensors'));
    expect([weights('ru'), weights('zh')]).toEqual(before);
    expect(readTunedHeadsInfo(p('tuned'))).toMatchObject({
      steps: 40,
      zeroShotLoss: tuning.zeroShotLoss,
      tunedLoss: tuning.tunedLoss,
    });

    // Reloaded, the merge folder gives the tuned loss on the held-out union; a plain merge gives the zero-shot one.
    expect(runCli([...common, '--out', p('plain')]).code).toBe(0);
    const tok = loadTokenizer(p('tuned/tokenizer.json'));
    const held = ['ru.txt', 'zh.txt'].map((f) => tok.encode(holdoutSplit(readFileSync(p(f), 'utf8')).val));
    const union = new Int32Array([...held[0]!, ...held[1]!]);
    const tuned = await loadMergedModel(p('tuned'), folderLoader());
    const plain = await loadMergedModel(p('plain'), folderLoader());
    try {
      expect(await meanCrossEntropy(tuned, union, { context: 32 })).toBeCloseTo(tuning.tunedLoss, 4);
      expect(await meanCrossEntropy(plain, union, { context: 32 })).toBeCloseTo(tuning.zeroShotLoss, 4);
    } finally {
      tuned.dispose();
      plain.dispose();
    }
  }, 180_000);

  it('asks for --tune-heads when only --data is given', () => {
    const r = runCli([
      'merge',
      '--expert',
      p('ru'),
      '--expert',
      p('zh'),
      '--out',
      p('x'),
      '--data',
      p('ru.txt'),
      '--backend',
      'wasm',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--data is for head tuning; give --tune-heads STEPS too');
  });
});
