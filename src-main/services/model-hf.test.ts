// The catalog's "Hugging Face folder" export and import through the contract: a trained model leaves as a
// transformers folder, comes back as a new catalog model on the same substrate, and merges with the original.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, tinyTrain, waitForRun, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
let modelId: string;

beforeAll(async () => {
  app = startTestApp();
  s = seedProject(app, 'hf');
  const { runId } = await app.call('runs.startTrain', tinyTrain(s, 3, 'expert'));
  const run = await waitForRun(app, runId, undefined, 120_000);
  expect(run.status, run.error ?? '').toBe('done');
  modelId = (await app.call('models.list', { projectId: s.projectId }))[0]!.id;
}, 180_000);
afterAll(() => app.dispose());

describe('catalog export/import as a Hugging Face folder', () => {
  it('exports a transformers folder, imports it back on the same substrate, and merges it with the original', async () => {
    const { folder } = await app.call('models.export', { id: modelId, dest: join(app.dir, 'export'), format: 'hf' });
    const cfg = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).toMatchObject({
      architectures: ['ArceeForCausalLM'],
      hidden_act: 'gelu_pytorch_tanh',
      num_hidden_layers: 1,
    });
    for (const f of [
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
      'generation_config.json',
      'README.md',
    ])
      expect(existsSync(join(folder, f)), f).toBe(true);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toContain(s.substrateId);

    const imported = await app.call('models.import', {
      projectId: s.projectId,
      from: folder,
      format: 'hf',
      name: 'from the cluster',
    });
    expect(imported).toMatchObject({
      name: 'from the cluster',
      kind: 'trained',
      depth: 1,
      substrateId: s.substrateId,
      tokenizerId: s.tokenizerId,
    });
    expect((await app.call('models.list', { projectId: s.projectId })).map((m) => m.id)).toContain(imported.id);
    // One parameter-count definition: the import counts what the trained original counts, the substrate included.
    const original = (await app.call('models.list', { projectId: s.projectId })).find((m) => m.id === modelId)!;
    expect(imported.params).toEqual(original.params);
    expect(imported.params.frozenSubstrate).toBeGreaterThan(0);
    expect(app.seen.some((e) => e.channel === 'models.changed')).toBe(true);

    expect(await app.call('merge.check', { expertIds: [modelId, imported.id] })).toMatchObject({ compatible: true });
    const merge = await app.call('merge.save', { name: 'both', expertIds: [modelId, imported.id] });
    const refused = await app.raw('models.export', { id: merge.id, dest: join(app.dir, 'export'), format: 'hf' });
    expect(refused.error?.message).toMatch(/cannot export the merge "both".*averages its experts/);
  }, 60_000);

  it('refuses a folder that is not a Hugging Face model, naming the file, and registers nothing', async () => {
    const before = (await app.call('models.list', { projectId: s.projectId })).length;
    const r = await app.raw('models.import', { projectId: s.projectId, from: join(app.dir, 'nowhere'), format: 'hf' });
    // A path inside the workspace is named relative to it (services/user-names.ts).
    expect(r.error?.message).toMatch(/nowhere in the workspace: not a folder/);
    const bad = await app.raw('models.import', { projectId: s.projectId, from: app.dir, format: 'hf' });
    expect(bad.error?.message).toMatch(
      /config\.json in the workspace: not found; a Hugging Face model folder needs it/,
    );
    expect((await app.call('models.list', { projectId: s.projectId })).length).toBe(before);
  });
});
