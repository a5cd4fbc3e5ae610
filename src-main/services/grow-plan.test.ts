// 'runs.planGrow' through the real dispatcher: the Growth form's plan counts trainable / frozen-block / substrate
// parameters as the grow job does, refuses a shape that cannot fit with the advice line, and lists the paper's
// presets with Espalier's count next to the published figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app);
});
afterAll(() => app.dispose());

describe('runs.planGrow', () => {
  it("plans a growth run's final stage: lower blocks frozen, the substrate frozen, and it fits", async () => {
    const vocab = app.workspace.tokenizers.get(s.tokenizerId)!.vocabSize;
    const p = await app.call('runs.planGrow', {
      projectId: s.projectId,
      substrateId: s.substrateId,
      stages: 3,
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      batch: 4,
    });
    const block = 4 * 16 * 16 + 2 * 16 * 32 + 2 * 16;
    expect(p.vocabSize).toBe(vocab);
    expect(p.params.frozenBlocks).toBe(2 * block);
    expect(p.params.frozenSubstrate).toBe(vocab * 16);
    // One trainable block, the final norm and the head.
    expect(p.params.trainable).toBe(block + 16 + 16 * vocab);
    expect(p.params.total).toBe(p.params.trainable + p.params.frozenBlocks + p.params.frozenSubstrate);
    expect(p.unit).toBe('the final stage (3 blocks, 2 frozen)');
    expect(p.fits).toBe(true);
    expect(p.advice).toBeNull();
    // The workspace's choice (ESPALIER_BACKEND here), or the CPU path when it is 'auto'.
    const choice = process.env['ESPALIER_BACKEND'] ?? 'auto';
    expect(p.backend).toBe(choice === 'auto' ? 'wasm' : choice);
    expect(p.backendNote).toContain(`'${choice}'`);
    expect(p.line).toMatch(/^memory plan: /);
    const b = p.bytes;
    expect(b.total).toBe(
      b.base + b.weights + b.hostWeights + b.substrate + b.gradients + b.optimizer + b.activations + b.logits,
    );
    // A monolithic baseline is the largest unit: nothing frozen but the substrate.
    const mono = await app.call('runs.planGrow', {
      projectId: s.projectId,
      substrateId: s.substrateId,
      stages: 3,
      baseline: 'monolithic',
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      batch: 4,
    });
    expect(mono.params.frozenBlocks).toBe(0);
    expect(mono.params.trainable).toBe(3 * block + 16 + 16 * vocab);
  });

  it('says a shape that cannot fit does not, with the numbers and what would make it fit', async () => {
    const p = await app.call('runs.planGrow', {
      projectId: s.projectId,
      substrateId: s.substrateId,
      mode: 'train',
      layers: 8,
      shape: { dModel: 2048, heads: 16, context: 4096 },
      batch: 512,
    });
    expect(p.fits).toBe(false);
    expect(p.problems.length).toBeGreaterThan(0);
    expect(p.advice).toMatch(/^this job does not fit: it needs /);
    expect(p.advice).toContain('activations');
  });

  it("lists the paper's presets with Espalier's count beside the paper's", async () => {
    const p = await app.call('runs.planGrow', { projectId: s.projectId, substrateId: s.substrateId });
    const g9 = p.presets.find((x) => x.name === 'growing-9')!;
    expect(g9).toMatchObject({
      layers: 9,
      dModel: 1024,
      heads: 32,
      context: 1024,
      vocabSize: 65_536,
      paperText: '247.6 M',
    });
    expect(Math.abs(g9.params - 247.6e6) / 247.6e6).toBeLessThan(0.01);
    const b16 = p.presets.find((x) => x.name === 'best-16')!;
    expect(b16).toMatchObject({ layers: 16, vocabSize: 131_072, paperText: '0.5 B' });
    expect(b16.params).toBeGreaterThan(b16.paperParams * 0.8);
  });

  it('refuses an unknown substrate and an invalid shape, naming them', async () => {
    const bad = await app.raw('runs.planGrow', { projectId: s.projectId, substrateId: 'sub_nope' });
    expect(bad.ok).toBe(false);
    expect(bad.error!.message).toContain('sub_nope');
    const zero = await app.raw('runs.planGrow', {
      projectId: s.projectId,
      substrateId: s.substrateId,
      shape: { heads: 0 },
    });
    expect(zero.ok).toBe(false);
    expect(zero.error!.field).toContain('heads');
  });
});
