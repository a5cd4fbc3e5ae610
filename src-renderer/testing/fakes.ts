// Test doubles for renderer tests: an in-memory Transport whose channels are answered by handlers, and
// minimal valid domain records. Not imported by the app.
import type { ContractError, InvokeResponse } from '../../src-shared/contract';
import type { Dataset, ModelEntry, Project, Substrate } from '../../src-shared/domain';
import type { z } from 'zod';
import type {
  AppGrowRunParams,
  MergePreviewResult,
  MergeTuneResult,
  Run,
  RunOf,
  RunParams,
  RunResult,
} from '../../src-shared/runs';
import type { ConnectionState, EventListener, RawResult, Transport } from '../api/transport';
import { StudySpec, type ArmResult } from '../../src-shared/study';
import type { StudyDetail } from '../../src-shared/study-records';

export class FakeContractError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}

type Handler = (payload: unknown) => unknown;

export class FakeTransport implements Transport {
  readonly calls: { channel: string; payload: unknown }[] = [];
  readonly handlers: Record<string, Handler> = {};
  private readonly listeners = new Set<EventListener>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private st: ConnectionState = { status: 'open', mode: 'browser', attempt: 0, retryAt: null, detail: '', opens: 1 };

  on(channel: string, handler: Handler): this {
    this.handlers[channel] = handler;
    return this;
  }

  async invoke(channel: string, payload: unknown): Promise<RawResult> {
    this.calls.push({ channel, payload });
    const h = this.handlers[channel];
    if (!h) return { ok: false, error: { code: 'internal', message: `no fake handler for ${channel}`, field: null } };
    try {
      return { ok: true, value: await h(payload) };
    } catch (err) {
      if (err instanceof FakeContractError) return { ok: false, error: err.error };
      throw err;
    }
  }

  emit(channel: string, payload: unknown): void {
    for (const l of this.listeners) l(channel, payload);
  }

  setState(patch: Partial<ConnectionState>): void {
    this.st = { ...this.st, ...patch };
    for (const l of this.stateListeners) l(this.st);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  state(): ConnectionState {
    return this.st;
  }
  retryNow(): void {}
  close(): void {}
}

const T0 = '2026-11-27T12:00:00.000Z';

export function makeProject(p: Partial<Project> = {}): Project {
  return { id: 'p1', name: 'Demo', description: '', tokenizerId: 'tok1', substrateId: 's1', createdAt: T0, ...p };
}

type RunBase = Omit<Run, 'kind' | 'params' | 'result'>;
type ShapeOverlay<P> = Omit<Partial<P>, 'shape'> & { shape?: Partial<RunParams<'train'>['shape']> };

function runBase(p: Partial<RunBase>): RunBase {
  return {
    id: 'r1',
    projectId: 'p1',
    status: 'running',
    progress: { fraction: 0, message: '' },
    error: null,
    checkpoint: null,
    checkpointStep: null,
    createdAt: T0,
    startedAt: T0,
    finishedAt: null,
    ...p,
  };
}

const SHAPE: RunParams<'train'>['shape'] = {
  dModel: 64,
  heads: 2,
  context: 32,
  mlpRatio: 4,
  dropout: 0,
  norm: 'rmsnorm',
};
const COMMON = {
  projectId: 'p1',
  name: 'en-ru',
  datasetIds: ['d1'],
  valDatasetIds: [],
  substrateId: 's1',
  embeddings: 'frozen' as const,
  batch: 8,
  gradAccum: 1,
  lr: 0.003,
  seed: 1,
};

/** A growth run started from the app (3 stages × 100 steps unless overridden). */
export function makeRun(
  p: Partial<RunBase> & {
    params?: ShapeOverlay<z.output<typeof AppGrowRunParams>>;
    result?: RunResult<'grow'> | null;
  } = {},
): RunOf<'grow'> {
  const { params = {}, result = null, ...rest } = p;
  const defaults: z.output<typeof AppGrowRunParams> = {
    ...COMMON,
    shape: SHAPE,
    stages: 3,
    stepsPerStage: 100,
    blocksPerStage: 1,
    init: 'scaled',
    loraRank: 0,
    loraFromStage: 2,
    baseline: 'none',
    stageModelIds: ['m1', 'm2', 'm3'],
  };
  return {
    ...runBase(rest),
    kind: 'grow',
    params: { ...defaults, ...params, shape: { ...SHAPE, ...params.shape } },
    result,
  };
}

/** A plain training run (2 layers × 100 steps unless overridden). */
export function makeTrainRun(p: Partial<RunBase> & { params?: ShapeOverlay<RunParams<'train'>> } = {}): RunOf<'train'> {
  const { params = {}, ...rest } = p;
  const defaults: RunParams<'train'> = { ...COMMON, shape: SHAPE, layers: 2, steps: 100, modelId: 'm1' };
  return {
    ...runBase(rest),
    kind: 'train',
    params: { ...defaults, ...params, shape: { ...SHAPE, ...params.shape } },
    result: null,
  };
}

/** A merge-preview run of experts a and b. */
export function makeMergePreviewRun(
  p: Partial<RunBase> & { params?: Partial<RunParams<'merge-preview'>>; result?: MergePreviewResult | null } = {},
): RunOf<'merge-preview'> {
  const { params = {}, result = null, ...rest } = p;
  const defaults: RunParams<'merge-preview'> = {
    expertIds: ['a', 'b'],
    mode: 'logits',
    weights: [0.5, 0.5],
    datasetIds: ['d1'],
    sampleText: '',
    expertNames: [],
  };
  return { ...runBase(rest), kind: 'merge-preview', params: { ...defaults, ...params }, result };
}

/** A merge-tune run of merge m on dataset d1. */
export function makeMergeTuneRun(
  p: Partial<RunBase> & { params?: Partial<RunParams<'merge-tune'>>; result?: MergeTuneResult | null } = {},
): RunOf<'merge-tune'> {
  const { params = {}, result = null, ...rest } = p;
  const defaults: RunParams<'merge-tune'> = {
    mergeId: 'm',
    datasetIds: ['d1'],
    steps: 100,
    headsFile: 'models/m/heads.safetensors',
  };
  return { ...runBase(rest), kind: 'merge-tune', params: { ...defaults, ...params }, result };
}

export function makeDataset(p: Partial<Dataset> = {}): Dataset {
  return {
    id: 'd1',
    projectId: 'p1',
    name: 'en-ru.train',
    path: '/w/d1.txt',
    sha256: 'a'.repeat(64),
    bytes: 1000,
    characters: 900,
    tokens: 500,
    scripts: { Latin: 500, Cyrillic: 400 },
    language: 'en + ru',
    languages: ['en', 'ru'],
    languageShares: { en: 0.55, ru: 0.45 },
    languagesSetByUser: false,
    kind: 'text',
    benchmark: null,
    split: 'train',
    format: 'txt',
    field: null,
    createdAt: T0,
    ...p,
  };
}

export function makeSubstrate(p: Partial<Substrate> = {}): Substrate {
  return {
    id: 's1',
    projectId: 'p1',
    name: 'glyph 16×16 · 64-d · 3,000 tokens · 2026-01-01 00:00 UTC',
    label: '',
    kind: 'glyph',
    grid: 16,
    dim: 64,
    vocabSize: 3000,
    tokenizerId: 'tok1',
    collisions: 2,
    path: '/w/s1',
    fontSha256: null,
    createdAt: T0,
    ...p,
  };
}

export function makeModel(p: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id: 'm1',
    projectId: 'p1',
    kind: 'stage',
    name: 'en-ru · stage 1',
    depth: 1,
    parentId: null,
    runId: 'r1',
    experts: [],
    mergeMode: null,
    mergeWeights: null,
    params: { total: 1000, trainable: 500, frozen: 500, frozenBlocks: 300, frozenSubstrate: 200 },
    substrateId: 's1',
    tokenizerId: 'tok1',
    config: {},
    provenance: {},
    folder: '/w/m1',
    createdAt: T0,
    ...p,
  };
}

/** A study of two arms × two seeds (C1-like, quick size) with the finished runs and comparison given. */
export function makeStudyDetail(p: Partial<StudyDetail> = {}): StudyDetail {
  const spec = StudySpec.parse({
    name: 'tiny C1',
    question: 'frozen codes vs a trainable embedding',
    size: 'quick',
    seeds: [1, 2],
    model: {
      dim: 16,
      heads: 2,
      contextLength: 16,
      depth: 1,
      stepsPerStage: 4,
      batchSize: 2,
      lr: 0.01,
      evalWindows: 1,
      evalTokens: 64,
      ngrams: 0,
    },
    arms: [{ name: 'frozen glyph' }, { name: 'trainable', substrate: 'random', embedding: 'trainable' }],
    control: 'trainable',
  });
  return {
    id: 'st1',
    projectId: 'p1',
    name: spec.name,
    spec,
    status: 'draft',
    runId: null,
    runs: 4,
    runsDone: 0,
    models: {},
    error: null,
    createdAt: T0,
    updatedAt: T0,
    arms: [],
    comparison: null,
    comparisonNote: null,
    ...p,
  };
}

/** A finished run of a study arm with a straight-line loss curve. */
export function makeArmResult(arm: string, seed: number, losses: number[], nll: number): ArmResult {
  return {
    arm,
    run: `${arm} · seed ${seed}`,
    factors: { substrate: 'glyph' },
    seed,
    modelDir: `/w/studies/st1/runs/${arm}-${seed}`,
    models: [],
    seeds: [],
    curve: losses.map((loss, i) => ({ step: i + 1, loss })),
    metrics: { 'heldout nll': { value: nll, protocol: 'held-out NLL, nats/token' } },
    seconds: 1.5,
    finishedAt: T0,
  };
}

/** A 'system.info' answer: the WebAssembly backend on a machine without a WebGPU adapter, unless `over` says else. */
export function makeSystemInfo(over: Partial<InvokeResponse<'system.info'>> = {}): InvokeResponse<'system.info'> {
  return {
    backend: 'wasm',
    tried: [{ name: 'wasm', ok: true, reason: 'WebAssembly SIMD, 1 thread' }],
    gpus: [],
    wasm: { simd: true, threads: false },
    adapter: null,
    memory: { rssBytes: 2 ** 28, totalBytes: 2 ** 34, freeBytes: 2 ** 33 },
    versions: { node: '20.19.0' },
    workspace: '/tmp/ws',
    adapterNote: 'no Vulkan driver is installed',
    choice: { backend: 'auto', source: 'default' },
    probedIn: 'worker',
    ...over,
  };
}
