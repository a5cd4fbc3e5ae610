// A study's model may accumulate gradients (model.gradAccum, `espalier study --grad-accum N`): two micro-batches of
// 4 windows per step train the same model as one batch of 8 (the same windows, the same step), so the held-out
// NLL agrees and the token count is the same, while the report names the micro-batches.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudySpec } from '../../src-shared/study';
import { studyPreset } from '../../src-shared/study-presets';
import { unifontPath } from '../../test/helpers/fixtures';
import { initBackend } from '../engine/backend';
import { runStudy, writeStudyReport } from './index';

const dir = mkdtempSync(join(tmpdir(), 'espalier-study-accum-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  unifontPath();
  await initBackend({ backend: 'wasm' });
});

/** The seeds preset at the quick size, one seed, its first arm only, with the given micro-batch and accumulation. */
function spec(batchSize: number, gradAccum: number | undefined): StudySpec {
  const base = studyPreset('seeds', 'quick', { seeds: 1 });
  const arm = base.arms[0]!;
  return {
    ...base,
    name: `accum ${gradAccum ?? 1}`,
    arms: [arm],
    control: arm.name,
    model: { ...base.model, batchSize, ...(gradAccum !== undefined ? { gradAccum } : {}) },
  };
}

describe('studies with gradient accumulation', () => {
  it('2 × 4 windows per step give the NLL and tokens of one batch of 8; the report says so', async () => {
    const one = await runStudy(spec(8, undefined), { outDir: join(dir, 'one') });
    const acc = await runStudy(spec(4, 2), { outDir: join(dir, 'acc') });
    expect(one.status).toBe('done');
    expect(acc.status).toBe('done');
    const [a, b] = [one.arms[0]!.metrics, acc.arms[0]!.metrics];
    expect(b['train tokens']!.value).toBe(a['train tokens']!.value!);
    expect(Math.abs(b['heldout nll']!.value! - a['heldout nll']!.value!)).toBeLessThan(1e-3);
    const files = writeStudyReport(acc, join(dir, 'acc'));
    expect(readFileSync(files.markdown, 'utf8')).toContain('2 micro-batches of 4 windows per step');
  }, 300_000);
});
