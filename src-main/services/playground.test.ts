// Playground generation through the contract: 'playground.cancel' stops a running generation between tokens,
// the reply keeps what was generated and says it was stopped; the models of one request generate side by side
// (issue 28 item 6), and one of them can be stopped while the other finishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, tinyTrain, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
beforeAll(() => {
  app = startTestApp();
});
afterAll(() => app.dispose());

describe('playground', () => {
  it('stops a generation on cancel and keeps its partial output', async () => {
    const s = seedProject(app, 'playground');
    const run = await waitForRun(
      app,
      (await app.call('runs.startTrain', tinyTrain(s, 4, 'gen'))).runId,
      undefined,
      120_000,
    );
    expect(run.status, run.error ?? '').toBe('done');
    const model = (await app.call('models.list', { projectId: s.projectId })).find((m) => m.name.startsWith('gen'))!;

    const whole = await app.call('playground.generate', {
      modelIds: [model.id],
      prompt: 'Debian',
      sampling: { maxTokens: 8, temperature: 0, topK: 0, topP: 1, seed: 1 },
    });
    expect(whole.outputs[0]).toMatchObject({ tokens: 8, stopped: false });

    expect(await app.call('playground.cancel', { requestId: 'nothing-running' })).toEqual({ stopped: false });
    const pending = app.call('playground.generate', {
      modelIds: [model.id, model.id],
      prompt: 'Debian',
      sampling: { maxTokens: 4096, temperature: 0, topK: 0, topP: 1, seed: 1 },
      requestId: 'gen-1',
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(await app.call('playground.cancel', { requestId: 'gen-1' })).toEqual({ stopped: true });
    const cut = await pending;
    expect(cut.outputs).toHaveLength(2);
    expect(cut.outputs[0]!.stopped).toBe(true);
    expect(cut.outputs[0]!.tokens).toBeLessThan(4096);
    // Greedy: the partial text continues exactly like the uncut one as far as it goes.
    const prefix = whole.outputs[0]!.text.slice(
      0,
      Math.min(whole.outputs[0]!.text.length, cut.outputs[0]!.text.length),
    );
    expect(cut.outputs[0]!.text.startsWith(prefix)).toBe(true);
    // Side by side: the second model generated too before the stop, and was stopped with the first.
    expect(cut.outputs[1]!.stopped).toBe(true);
    expect(cut.outputs[1]!.tokens).toBeGreaterThan(0);
    // Nothing is left registered under the id.
    expect(await app.call('playground.cancel', { requestId: 'gen-1' })).toEqual({ stopped: false });

    // One model stopped, the other finishes.
    const run2 = await waitForRun(
      app,
      (await app.call('runs.startTrain', { ...tinyTrain(s, 4, 'gen two'), seed: 5 })).runId,
      undefined,
      120_000,
    );
    expect(run2.status, run2.error ?? '').toBe('done');
    const other = (await app.call('models.list', { projectId: s.projectId })).find((m) =>
      m.name.startsWith('gen two'),
    )!;
    const both = app.call('playground.generate', {
      modelIds: [model.id, other.id],
      prompt: 'Debian',
      sampling: { maxTokens: 2000, temperature: 0, topK: 0, topP: 1, seed: 1 },
      requestId: 'gen-2',
    });
    // Long enough that the request is still running when the stop arrives, even on a fast machine (the request is
    // registered when it starts, so a stop before the model begins still counts as stopped).
    await new Promise((r) => setTimeout(r, 100));
    expect(await app.call('playground.cancel', { requestId: 'gen-2', modelId: model.id })).toEqual({ stopped: true });
    const out = await both;
    expect(out.outputs.map((o) => [o.modelId, o.stopped])).toEqual([
      [model.id, true],
      [other.id, false],
    ]);
  }, 240_000);
});
