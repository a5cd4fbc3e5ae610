// Stored runs read through the typed union: today's shapes, and rows written by earlier versions (older names
// for norms and baselines, demo runs without a schedule, keys no schema knows) still parse.
import { describe, expect, it } from 'vitest';
import { Run, parseRunParams } from './runs';

const base = {
  id: 'r1',
  projectId: 'p1',
  status: 'done',
  progress: { fraction: 1, message: '' },
  error: null,
  checkpoint: null,
  createdAt: 'x',
  startedAt: null,
  finishedAt: null,
} as const;

const oldGrow = {
  projectId: 'p1',
  name: 'en-ru',
  datasetIds: ['d1'],
  valDatasetIds: [],
  substrateId: 's1',
  embeddings: 'frozen',
  shape: { dModel: 64, heads: 2, context: 32, mlpRatio: 4, dropout: 0, norm: 'rms' },
  batch: 8,
  lr: 0.003,
  seed: 1,
  stages: 2,
  stepsPerStage: 60,
  blocksPerStage: 1,
  init: 'random',
  loraRank: 0,
  loraFromStage: 2,
  baseline: 'trainable-embeddings',
  stageModelIds: ['m1', 'm2'],
};

describe('Run', () => {
  it('reads a growth run stored with the older norm and baseline names under the engine names', () => {
    const run = Run.parse({
      ...base,
      kind: 'grow',
      params: oldGrow,
      result: { modelIds: ['m1', 'm2'], modelId: 'm2', trainLoss: 2.5, valLoss: null },
    });
    expect(run.kind).toBe('grow');
    if (run.kind !== 'grow' || 'demo' in run.params) throw new Error('expected an app growth run');
    expect(run.params.shape.norm).toBe('rmsnorm');
    expect(run.params.baseline).toBe('trainable-embedding');
    // 'random' is the earlier name of the default init, 'scaled'.
    expect(run.params.init).toBe('scaled');
    expect(run.result).toMatchObject({ modelIds: ['m1', 'm2'] });
  });

  it('reads a demo-registered growth run without a schedule, and drops keys it does not know', () => {
    const params = {
      demo: '/w/demo/1',
      expert: 'RU',
      datasetIds: ['d1'],
      valDatasetIds: ['d2'],
      stages: 3,
      preset: { width: 64 },
      seed: 1,
      extra: true,
    };
    const run = Run.parse({ ...base, kind: 'grow', params, result: { modelIds: ['a', 'b', 'c'], demo: '/w/demo/1' } });
    if (run.kind !== 'grow' || !('demo' in run.params)) throw new Error('expected a demo growth run');
    expect(run.params.stepsPerStage).toBeUndefined();
    expect('extra' in run.params).toBe(false);
  });

  it('fills defaults an older eval run lacks and maps the request vocabulary', () => {
    const p = parseRunParams('eval', 'r2', {
      modelIds: ['m1'],
      datasetId: 'd1',
      task: 'qa',
      protocol: 'loglik',
      engineProtocol: 'squad',
      datasetName: 'qa en',
      datasetSha256: 'ab',
      demo: '/w',
    });
    expect(p).toMatchObject({ runs: 10, seed: 1, engineProtocol: 'squad' });
  });

  it('names the run and the field when stored params cannot be read', () => {
    expect(() => parseRunParams('train', 'r3', { ...oldGrow, layers: 'two' })).toThrow(
      /run r3 \(train\): stored params\.(layers|steps|modelId): /,
    );
  });
});
