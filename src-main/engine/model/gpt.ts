// The GPT decoder on a frozen substrate: structure (freeze, grow), forward passes for training and
// inference, and the CausalLM interface. Activations are [B·T, D] matrices throughout.
import * as tf from '@tensorflow/tfjs-core';
import type { SubstrateMeta } from '../substrate/index';
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';
import type { BlockAdapter } from './adapter';
import { headDim, resolveConfig, type ModelConfig, type ModelConfigInput } from './config';
import { openGptDecoder } from './decoder';
import * as F from './flow';
import { flow, type Flow } from './flow';
import { blockParamNames, initBlock, initOuter, type BlockInit, type HostTensor } from './init';
import type { CausalLM, Decoder } from './lm';
import { ParamStore, type ParamCounts } from './params';
import { SubstrateRows } from './substrate-rows';
import { matmul } from './native/matmul';

/** What the model needs of a substrate; substrate/index.ts's Substrate satisfies it (and its meta lets exports copy it). */
export interface SubstrateRef {
  id: string;
  vocabSize: number;
  dim: number;
  matrix: Float32Array;
  meta?: SubstrateMeta;
}

/**
 * How a forward pass runs: `grads` inside a gradient tape; `rng` switches dropout on (training);
 * `adapter` adds its terms to the blocks' linear maps (LoRA).
 */
export interface ForwardContext {
  grads: boolean;
  rng?: Rng;
  adapter?: BlockAdapter;
}

export interface CreateOptions {
  config: ModelConfigInput;
  substrate: SubstrateRef;
  tokenizerId: string;
  /** Seeds the initial weights (and the fixed input projection). */
  seed?: number;
}

/** Incremental decoding: positions start at `offset`; `attend` appends to the layer's cache and attends. */
export interface KvHook {
  offset: number;
  attend(layer: number, qkv: tf.Tensor2D, B: number, T: number): tf.Tensor2D;
}

const INFERENCE: ForwardContext = { grads: false };

export class GPT implements CausalLM {
  readonly params = new ParamStore();
  private cfg: ModelConfig;
  /** The frozen substrate's rows (null with a trainable embedding). */
  private readonly table: SubstrateRows | null;

  private constructor(
    cfg: ModelConfig,
    readonly substrate: SubstrateRef,
    readonly tokenizerId: string,
  ) {
    if (substrate.vocabSize !== cfg.vocabSize) {
      throw new UserError(
        `substrate ${substrate.id.slice(0, 12)}… has ${substrate.vocabSize} rows but the model's vocabSize is ${cfg.vocabSize}; build the substrate from the same tokenizer`,
      );
    }
    if (substrate.dim !== cfg.substrateDim) {
      throw new UserError(
        `substrate ${substrate.id.slice(0, 12)}… has ${substrate.dim} columns but the model config says substrateDim ${cfg.substrateDim}`,
      );
    }
    this.cfg = cfg;
    this.table = cfg.embedding === 'frozen' ? new SubstrateRows(substrate) : null;
  }

  /** A new model with seeded random weights. */
  static create(opts: CreateOptions): GPT {
    const cfg = resolveConfig({ substrateDim: opts.substrate.dim, ...opts.config });
    const rng = new Rng(opts.seed ?? 0);
    const values = initOuter(cfg, rng, opts.substrate.matrix);
    for (let i = 0; i < cfg.layers; i++) for (const [k, v] of initBlock(i, cfg, rng, 'scaled')) values.set(k, v);
    return GPT.fromWeights(cfg, opts.substrate, opts.tokenizerId, (name) => values.get(name));
  }

  /** A model from saved weights; `get` returns each stable name's values (an error names what is missing). */
  static fromWeights(
    config: ModelConfig,
    substrate: SubstrateRef,
    tokenizerId: string,
    get: (name: string) => HostTensor | undefined,
    source = 'weights',
  ): GPT {
    const m = new GPT(config, substrate, tokenizerId);
    try {
      for (const name of m.expectedNames()) {
        const t = get(name);
        if (!t) throw new UserError(`${source}: missing tensor "${name}"`);
        const want = m.expectedShape(name);
        if (t.shape.length !== want.length || t.shape.some((s, i) => s !== want[i])) {
          throw new UserError(`${source}: tensor "${name}" has shape [${t.shape}] but the config needs [${want}]`);
        }
        const value = tf.tensor(t.data, t.shape, 'float32');
        m.params.add(name, value, { frozen: name === 'embed.proj', decay: isMatrix(name) });
        value.dispose();
      }
    } catch (err) {
      m.dispose();
      throw err;
    }
    return m;
  }

  get config(): ModelConfig {
    return this.cfg;
  }
  get vocabSize(): number {
    return this.cfg.vocabSize;
  }
  get contextLength(): number {
    return this.cfg.contextLength;
  }
  get substrateId(): string {
    return this.substrate.id;
  }
  get layers(): number {
    return this.cfg.layers;
  }

  private expectedNames(): string[] {
    const names = [...initOuterNames(this.cfg)];
    for (let i = 0; i < this.cfg.layers; i++) names.push(...blockParamNames(i, this.cfg));
    return names;
  }

  private expectedShape(name: string): number[] {
    const c = this.cfg;
    const f = Math.round(c.mlpRatio * c.dModel);
    if (name === 'embed.weight') return [c.vocabSize, c.substrateDim];
    if (name === 'embed.proj') return [c.substrateDim, c.dModel];
    if (name === 'head.weight') return [c.dModel, c.vocabSize];
    if (name.endsWith('.w1')) return [c.dModel, f];
    if (name.endsWith('.w2')) return [f, c.dModel];
    if (/\.attn\.w[qkvo]$/.test(name)) return [c.dModel, c.dModel];
    return [c.dModel];
  }

  // ---- structure ----------------------------------------------------------------------------------

  blockParamNames(i: number): string[] {
    if (!Number.isInteger(i) || i < 0 || i >= this.cfg.layers)
      throw new UserError(`block ${i} does not exist (the model has ${this.cfg.layers})`);
    return blockParamNames(i, this.cfg);
  }

  /** Freezes (or unfreezes) every parameter of block i. */
  freezeBlock(i: number, frozen = true): void {
    for (const n of this.blockParamNames(i)) this.params.setFrozen(n, frozen);
  }

  /** Freezes exactly the parameters for which `pred` is true and unfreezes the rest (embed.proj stays frozen). */
  setFrozen(pred: (name: string) => boolean): void {
    for (const n of this.params.names()) this.params.setFrozen(n, n === 'embed.proj' || pred(n));
  }

  isBlockFrozen(i: number): boolean {
    return this.blockParamNames(i).every((n) => this.params.isFrozen(n));
  }

  paramCounts(): ParamCounts {
    return this.params.counts();
  }

  /**
   * Adds a block on top (index = old layer count), trainable. 'scaled' draws fresh weights (the paper; output
   * projections scaled down as in GPT-2), 'unscaled' without that scaling, 'zero-output' zeroes the output
   * projections (it starts as the identity), 'copy' duplicates the block below.
   */
  addBlock(init: BlockInit = 'scaled', rng: Rng = new Rng(this.cfg.layers)): number {
    const i = this.cfg.layers;
    this.cfg = resolveConfig({ ...this.cfg, layers: i + 1 });
    const values =
      init === 'copy' && i > 0
        ? new Map(
            blockParamNames(i - 1, this.cfg).map((n) => [
              n.replace(`blocks.${i - 1}.`, `blocks.${i}.`),
              hostOf(this.params.get(n)),
            ]),
          )
        : initBlock(i, this.cfg, rng, init === 'copy' ? 'scaled' : init);
    for (const [name, t] of values) {
      const v = tf.tensor(t.data, t.shape, 'float32');
      this.params.add(name, v, { decay: isMatrix(name) });
      v.dispose();
    }
    return i;
  }

  /**
   * The lowest block with a trainable parameter: everything below it is a frozen prefix that training
   * runs forward-only (and may cache). -1 when the embedding itself trains; `layers` when only the head does.
   */
  firstTrainableBlock(): number {
    if (this.params.has('embed.weight') && !this.params.isFrozen('embed.weight')) return -1;
    for (let i = 0; i < this.cfg.layers; i++) if (!this.isBlockFrozen(i)) return i;
    return this.cfg.layers;
  }

  // ---- forward ------------------------------------------------------------------------------------

  /** Parameter `name` as a flow: it needs a gradient when the pass records one and it is not frozen. */
  private p<T extends tf.Tensor = tf.Tensor2D>(name: string, ctx: ForwardContext): Flow<T> {
    return flow(this.params.get(name) as tf.Tensor as T, ctx.grads && !this.params.isFrozen(name));
  }

  /** Substrate rows of int32 tokens [B, T] as [B·T, dModel] (projected and scaled). */
  embed(tokens: tf.Tensor2D, ctx: ForwardContext = INFERENCE): Flow {
    const flat = tf.reshape(tokens, [-1]) as tf.Tensor1D;
    let x = this.table ? flow(this.table.gather(flat)) : F.embedRows(this.p('embed.weight', ctx), flat);
    if (this.cfg.inputProjection === 'frozen-random') x = F.linear(x, this.p('embed.proj', ctx));
    return F.scale(x, this.cfg.inputScale);
  }

  private norm(prefix: string, x: Flow, ctx: ForwardContext): Flow {
    const gain = this.p<tf.Tensor1D>(`${prefix}.weight`, ctx);
    if (this.cfg.norm === 'rmsnorm') return F.rmsNorm(x, gain, this.cfg.normEps);
    return F.layerNorm(x, gain, this.p<tf.Tensor1D>(`${prefix}.bias`, ctx), this.cfg.normEps);
  }

  /** x·W plus the adapter's term for W, if it has one. */
  private project(weight: string, x: Flow, ctx: ForwardContext): Flow {
    const y = F.linear(x, this.p(weight, ctx));
    const delta = ctx.adapter?.delta(weight, x, ctx.grads);
    return delta ? F.add(y, delta) : y;
  }

  /** q, k and v in one matMul with [wq | wk | wv]; adapters on them join as one [Δq | Δk | Δv] term. */
  private qkv(i: number, a: Flow, ctx: ForwardContext): Flow {
    const names = ['wq', 'wk', 'wv'].map((w) => `blocks.${i}.attn.${w}`);
    const base = F.linear(a, F.concatColumns(names.map((n) => this.p(n, ctx))));
    const deltas = ctx.adapter ? names.map((n) => ctx.adapter!.delta(n, a, ctx.grads)) : [];
    if (!deltas.some(Boolean)) return base;
    if (!deltas.every(Boolean))
      throw new Error(`block ${i}: an adapter must cover wq, wk and wv together (they share one fused projection)`);
    return F.add(base, F.concatColumns(deltas as Flow[]));
  }

  private dropout(x: Flow, ctx: ForwardContext): Flow {
    if (!ctx.rng || this.cfg.dropout === 0) return x;
    return F.dropout(x, this.cfg.dropout, ctx.rng.seed());
  }

  /** Incremental decoding's attention: the hook attends the rotated qkv over its cache. */
  private attendCached(i: number, qkv: Flow, B: number, T: number, kv: KvHook): Flow {
    return flow(kv.attend(i, qkv.value, B, T), qkv.grad);
  }

  /**
   * Pre-norm block i on x [B·T, D]: attention and MLP, each added to the residual stream. With `kv`
   * (incremental decoding) the T rows are positions kv.offset… and attention goes through the hook.
   */
  block(i: number, x: Flow, B: number, T: number, ctx: ForwardContext = INFERENCE, kv?: KvHook): Flow {
    const c = this.cfg;
    const p = `blocks.${i}`;
    const shape = { B, T, heads: c.heads, headDim: headDim(c) };
    const raw = this.qkv(i, this.norm(`${p}.norm1`, x, ctx), ctx);
    // Training and scoring attend over positions 0…T−1 with RoPE inside the attention op (fused on webgpu);
    // incremental decoding rotates at its own offset, because the cache keeps rotated keys.
    const o = kv
      ? this.attendCached(i, F.rope(raw, B, T, c.heads, shape.headDim, kv.offset, c.ropeBase), B, T, kv)
      : F.attention(raw, { ...shape, ropeBase: c.ropeBase });
    const x2 = F.add(x, this.dropout(this.project(`${p}.attn.wo`, o, ctx), ctx));
    const h = F.gelu(this.project(`${p}.mlp.w1`, this.norm(`${p}.norm2`, x2, ctx), ctx));
    return F.add(x2, this.dropout(this.project(`${p}.mlp.w2`, h, ctx), ctx));
  }

  /** Runs blocks [from, to) on x; pass tokens' embeddings for from = 0. */
  blocks(x: Flow, from: number, to: number, B: number, T: number, ctx: ForwardContext = INFERENCE): Flow {
    let h = x;
    for (let i = from; i < to; i++) h = this.block(i, h, B, T, ctx);
    return h;
  }

  /** Last hidden state [B·T, D] of tokens [B, T]. */
  hidden(tokens: tf.Tensor2D, ctx: ForwardContext = INFERENCE): Flow {
    const [B, T] = tokens.shape;
    return this.blocks(this.embed(tokens, ctx), 0, this.cfg.layers, B, T, ctx);
  }

  /** Mean cross-entropy of the head on the last hidden state x [N, D] against int32 targets [N]. */
  headLoss(x: Flow, targets: tf.Tensor1D, ctx: ForwardContext = INFERENCE): tf.Scalar {
    return F.crossEntropy(this.norm('final_norm', x, ctx), this.p('head.weight', ctx), targets);
  }

  /** The head's input [N, D]: the final norm of the last hidden state x (inference; head tuning reads it). */
  headInput(x: tf.Tensor2D): tf.Tensor2D {
    return this.norm('final_norm', flow(x), INFERENCE).value;
  }

  /** Logits [N, V] from the last hidden state [N, D] (inference). */
  headLogits(x: tf.Tensor2D): tf.Tensor2D {
    return matmul(this.norm('final_norm', flow(x), INFERENCE).value, this.params.get('head.weight') as tf.Tensor2D);
  }

  /** Mean next-token loss of tokens [B, T] against targets [B, T] (no dropout; `adapter`: through it). */
  loss(tokens: tf.Tensor2D, targets: tf.Tensor2D, adapter?: BlockAdapter): tf.Scalar {
    const ctx: ForwardContext = adapter ? { grads: false, adapter } : INFERENCE;
    return tf.tidy(() => this.headLoss(this.hidden(tokens, ctx), tf.reshape(targets, [-1]) as tf.Tensor1D));
  }

  /** Logits [B, T, V] (no dropout); `adapter`: through it (what a merged export must reproduce). */
  logits(tokens: tf.Tensor2D, adapter?: BlockAdapter): tf.Tensor3D {
    const [B, T] = tokens.shape;
    if (T > this.cfg.contextLength)
      throw new UserError(`logits: ${T} tokens exceed the model's context length ${this.cfg.contextLength}`);
    const ctx: ForwardContext = adapter ? { grads: false, adapter } : INFERENCE;
    return tf.tidy(
      () => tf.reshape(this.headLogits(this.hidden(tokens, ctx).value), [B, T, this.cfg.vocabSize]) as tf.Tensor3D,
    );
  }

  openDecoder(batch: number): Decoder {
    return openGptDecoder(this, batch);
  }

  dispose(): void {
    this.params.dispose();
    this.table?.dispose();
  }
}

function isMatrix(name: string): boolean {
  return /\.(w[qkvo]|w1|w2)$/.test(name) || name === 'head.weight';
}

function initOuterNames(cfg: ModelConfig): string[] {
  const names: string[] = [];
  if (cfg.embedding === 'trainable') names.push('embed.weight');
  if (cfg.inputProjection === 'frozen-random') names.push('embed.proj');
  names.push('final_norm.weight');
  if (cfg.norm === 'layernorm') names.push('final_norm.bias');
  names.push('head.weight');
  return names;
}

function hostOf(v: tf.Tensor): HostTensor {
  return { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) };
}
