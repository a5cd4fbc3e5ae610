// Test helpers for the growth suites: English text (test/helpers/fixtures) tokenized into small windows, a seeded
// substrate, tiny plans, and weight comparisons.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSubstrate } from './model';
import type { HostTensor } from '../../src-main/engine/model/init';
import { buildTokenizer } from '../../src-main/engine/tokenizer/index';
import { holdoutWindows } from '../../src-main/engine/train/holdout';
import type { GrowthPlanInput } from '../../src-main/engine/grow/plan';
import type { GrowthData } from '../../src-main/engine/grow/stage';
import { corpusText } from '../helpers/fixtures';

/** 60 k characters of real text, 150 n-grams, windows of 32 tokens, Espalier's fixed 10 % hold-out. */
export function realTextData(chars = 60_000, T = 32, dim = 32): GrowthData {
  const text = corpusText('en.txt').slice(0, chars);
  const tokenizer = buildTokenizer([text], { ngrams: 150 });
  const { train, val } = holdoutWindows(text, (t) => tokenizer.encode(t), T, 'en.txt');
  return { train, val, substrate: randomSubstrate(tokenizer.size, dim, 2, tokenizer.id), tokenizer };
}

export function tinyPlan(overrides: Partial<GrowthPlanInput> = {}): GrowthPlanInput {
  return {
    stages: 3,
    steps: 40,
    lr: 1e-2,
    batchSize: 8,
    evalWindows: 32,
    model: { dModel: 32, heads: 4, contextLength: 32, mlpRatio: 2 },
    ...overrides,
  };
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `espalier-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function maxAbsDiff(a: HostTensor, b: HostTensor): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

export function bitIdentical(a: HostTensor, b: HostTensor): boolean {
  if (a.data.length !== b.data.length) return false;
  const x = new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const y = new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  return x.every((v, i) => v === y[i]);
}
