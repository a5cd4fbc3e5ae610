// `espalier merge` and `espalier merge preview` end to end on exported GPT folders of different sizes:
// the merge folder (references only), the preview table's order, and the errors users can cause.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli';
import { initBackend } from '../../engine/backend';
import { exportModel } from '../../engine/io';
import { GPT } from '../../engine/model/gpt';
import { randomSubstrate } from '../../../test/support/model';
import { buildTokenizer, tokenizerToJson } from '../../engine/tokenizer';
import { openMerge } from '../merge-experts';

const dir = mkdtempSync(join(tmpdir(), 'espalier-merge-cli-'));
const RU = 'Пакеты Debian устанавливаются командой apt.\n';
const ZH = 'Debian 软件包用 apt 命令安装。\n';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const tok = buildTokenizer([RU, ZH], { ngrams: 0 });
  const json = tokenizerToJson(tok);
  const sub = randomSubstrate(tok.size, 16, 1, tok.id);
  const other = randomSubstrate(tok.size, 16, 2, tok.id);
  const save = (name: string, m: GPT) => {
    exportModel(join(dir, name), m, { tokenizerJson: json });
    m.dispose();
  };
  const config = { vocabSize: tok.size, heads: 2, contextLength: 16, mlpRatio: 2 };
  save(
    'ru',
    GPT.create({ config: { ...config, layers: 1, dModel: 16 }, substrate: sub, tokenizerId: tok.id, seed: 1 }),
  );
  save(
    'zh',
    GPT.create({
      config: { ...config, layers: 2, dModel: 32, contextLength: 12 },
      substrate: sub,
      tokenizerId: tok.id,
      seed: 2,
    }),
  );
  save(
    'alien',
    GPT.create({ config: { ...config, layers: 1, dModel: 16 }, substrate: other, tokenizerId: tok.id, seed: 3 }),
  );
  writeFileSync(join(dir, 'ru.txt'), RU.repeat(3));
  writeFileSync(join(dir, 'zh.txt'), ZH.repeat(3));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => join(dir, name);

describe('espalier merge', () => {
  it('writes a merge folder that references the experts and copies no weights', () => {
    const r = runCli([
      'merge',
      '--expert',
      p('ru'),
      '--expert',
      p('zh'),
      '--mode',
      'weighted',
      '--weights',
      '3,1',
      '--out',
      p('m'),
      '--json',
      '--backend',
      'wasm',
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      out: p('m'),
      kind: 'merge',
      mode: 'weighted',
      weights: [0.75, 0.25],
      experts: ['../ru', '../zh'],
      contextLength: 12,
    });
    expect(readdirSync(p('m')).sort()).toEqual(['merge.json', 'tokenizer.json']);
    expect(readFileSync(p('m/tokenizer.json'), 'utf8')).toBe(readFileSync(p('ru/tokenizer.json'), 'utf8'));
  });

  it('generates from a merge folder as from any model (deterministic with a seed)', () => {
    const args = [
      'generate',
      '--model',
      p('m'),
      '--prompt',
      'a',
      '--max-tokens',
      '5',
      '--temperature',
      '0',
      '--json',
      '--backend',
      'wasm',
    ];
    const a = runCli(args);
    expect(a.stderr).not.toMatch(/error/);
    expect(a.code).toBe(0);
    const out = a.json<{ text: string; tokens: number; model: string }>();
    expect(out.model).toBe(p('m'));
    expect(out.tokens).toBeGreaterThan(0);
    expect(runCli(args).json<{ text: string }>().text).toBe(out.text);
  });

  it('previews the loss table: experts in the given order, then the merge; datasets in the given order', () => {
    const r = runCli([
      'merge',
      'preview',
      '--expert',
      p('zh'),
      '--expert',
      p('ru'),
      '--data',
      p('zh.txt'),
      '--data',
      p('ru.txt'),
      '--json',
      '--backend',
      'wasm',
    ]);
    expect(r.code).toBe(0);
    const { rows, mode } = r.json<{
      rows: { model: string; data: string; loss: number; tokens: number }[];
      mode: string;
    }>();
    expect(mode).toBe('logits');
    expect(rows.map((x) => [x.model, x.data])).toEqual([
      [p('zh'), p('zh.txt')],
      [p('zh'), p('ru.txt')],
      [p('ru'), p('zh.txt')],
      [p('ru'), p('ru.txt')],
      ['merge', p('zh.txt')],
      ['merge', p('ru.txt')],
    ]);
    for (const x of rows) expect(x.loss).toBeGreaterThan(0);
  });

  it('merges a merge with an expert', () => {
    const r = runCli([
      'merge',
      'preview',
      '--expert',
      p('m'),
      '--expert',
      p('ru'),
      '--data',
      p('ru.txt'),
      '--mode',
      'probs',
      '--json',
      '--backend',
      'wasm',
    ]);
    expect(r.code).toBe(0);
    expect(r.json<{ rows: unknown[] }>().rows).toHaveLength(3);
  });

  it('names both ids of each expert when substrates differ', () => {
    const bad = runCli(['merge', '--expert', p('ru'), '--expert', p('alien'), '--out', p('x'), '--backend', 'wasm']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /cannot merge: expert A \(.*ru\) has substrate [0-9a-f]{16}…, tokenizer [0-9a-f]{16}…; expert B \(.*alien\) has substrate .* — substrate ids differ/,
    );
    expect(existsSync(p('x'))).toBe(false);
  });

  it('checks --mode, --weights and the expert count before loading anything', async () => {
    await expect(openMerge([p('ru'), p('zh')], 'weighted', '1,x')).rejects.toThrow(
      /--weights: item 2 \("x"\) is not a number/,
    );
    await expect(openMerge([p('ru')], 'logits', undefined)).rejects.toThrow(/at least 2 experts/);
    await expect(openMerge([p('ru'), p('zh')], 'median', undefined)).rejects.toThrow(
      /--mode: unknown merge mode "median"/,
    );
    await expect(openMerge([p('ru'), p('nowhere')], 'logits', undefined)).rejects.toThrow(
      /--expert .*nowhere: no such model folder/,
    );
  });
});
