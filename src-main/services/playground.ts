// Playground generation, run here in main rather than as a queued job: it must answer within seconds even
// while a training job holds the worker queue, it is small (≤ 3 models, bounded tokens), and generate()
// awaits the logits of every token, so the event loop (IPC, WebSocket) keeps breathing in between — which is
// also when 'playground.cancel' gets through and stops it, keeping the text generated so far. The models of one
// request generate side by side (their tokens interleave), and each can be stopped on its own.
import type { InvokeResponse } from '../../src-shared/contract';
import type { BackendChoice } from '../../src-shared/settings';
import { initBackend } from '../engine/backend';
import { generate } from '../engine/generate';
import type { CausalLM } from '../engine/model/lm';
import type { TokenizerLike } from '../engine/tokenizer/types';
import { specFor } from './catalog';
import type { ServiceContext } from './context';
import { loadModelSpec, loadSpecTokenizer } from '../lib/model-spec';

interface Loaded {
  model: CausalLM;
  tokenizer: TokenizerLike;
}

const CACHE_SIZE = 3;

export class PlaygroundService {
  private readonly cache = new Map<string, Promise<Loaded>>();
  /** Generations that can be stopped, by the client's request id: one controller per model of the request. */
  private readonly running = new Map<string, { modelId: string; ac: AbortController }[]>();

  constructor(
    private readonly c: ServiceContext,
    /** The workspace's backend choice: main follows it, except that webgpu stays in the workers (Dawn never loads here). */
    private readonly backend: () => BackendChoice = () => 'auto',
  ) {}

  private async load(id: string): Promise<Loaded> {
    const hit = this.cache.get(id);
    if (hit) {
      // Refresh its place: the cache evicts the least recently used model.
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    const spec = specFor(this.c.ws, id);
    const loading = (async () => {
      await this.startBackend();
      return { model: await loadModelSpec(spec), tokenizer: loadSpecTokenizer(spec) };
    })();
    this.cache.set(id, loading);
    loading.catch(() => this.cache.delete(id));
    while (this.cache.size > CACHE_SIZE) this.forget(this.cache.keys().next().value!);
    return loading;
  }

  /** One backend start at a time: the models of a request load side by side, and initBackend is not reentrant. */
  private starting: Promise<unknown> = Promise.resolve();
  private startBackend(): Promise<unknown> {
    const next = this.starting
      .catch(() => undefined)
      .then(() => initBackend({ backend: this.backend(), webgpu: false }));
    this.starting = next;
    return next;
  }

  /** Drops a model from the cache (it was deleted, or a merge it belongs to changed). */
  forget(id: string): void {
    const p = this.cache.get(id);
    this.cache.delete(id);
    void p?.then((l) => l.model.dispose()).catch(() => undefined);
  }

  clear(): void {
    for (const id of [...this.cache.keys()]) this.forget(id);
  }

  async generate(req: {
    modelIds: string[];
    prompt: string;
    sampling: { maxTokens: number; temperature: number; topK: number; topP: number; seed: number };
    requestId?: string;
  }): Promise<InvokeResponse<'playground.generate'>> {
    const controllers = req.modelIds.map((modelId) => ({ modelId, ac: new AbortController() }));
    if (req.requestId) {
      for (const c of this.running.get(req.requestId) ?? []) c.ac.abort();
      this.running.set(req.requestId, controllers);
    }
    try {
      const s = req.sampling;
      const outputs = await Promise.all(
        controllers.map(async ({ modelId: id, ac }) => {
          const { model, tokenizer } = await this.load(id);
          // Stopped before this model began: listed with no text, so every slot says what happened.
          if (ac.signal.aborted) return { modelId: id, text: '', tokensPerSec: 0, tokens: 0, stopped: true };
          const r = await generate(model, tokenizer, [req.prompt], {
            maxTokens: s.maxTokens,
            temperature: s.temperature,
            topK: s.topK,
            topP: s.topP,
            seed: s.seed,
            signal: ac.signal,
          });
          return {
            modelId: id,
            text: r.texts[0] ?? '',
            tokensPerSec: Number.isFinite(r.tokensPerSec) ? r.tokensPerSec : 0,
            tokens: r.ids[0]?.length ?? 0,
            stopped: r.finish[0] === 'cancelled',
          };
        }),
      );
      return { outputs };
    } finally {
      if (req.requestId && this.running.get(req.requestId) === controllers) this.running.delete(req.requestId);
    }
  }

  /** Stops the request's generations, or only `modelId`'s; the others go on. */
  cancel(req: { requestId: string; modelId?: string }): { stopped: boolean } {
    const hit = (this.running.get(req.requestId) ?? []).filter(
      (c) => (req.modelId === undefined || c.modelId === req.modelId) && !c.ac.signal.aborted,
    );
    for (const c of hit) c.ac.abort();
    return { stopped: hit.length > 0 };
  }
}
