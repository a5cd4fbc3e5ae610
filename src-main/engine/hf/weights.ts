// Tensor names and layouts between Espalier (stable names, matrices [in, out], y = x·W) and transformers
// (nn.Linear weights [out, in]); the exported embedding is the effective input table (substrate → projection → scale).
import type { ModelConfig } from '../model/config';
import type { HostTensor } from '../model/init';
import type { TensorSource } from '../util/safetensors';
import { UserError } from '../../common/errors';

/** [rows, cols] → [cols, rows]. */
export function transpose(t: HostTensor): HostTensor {
  const [r, c] = t.shape as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { shape: [c, r], data: out };
}

/** Per-block pairs: Espalier name suffix, transformers name suffix, whether the matrix is transposed. */
const BLOCK_MAP: readonly [string, string, boolean][] = [
  ['norm1.weight', 'input_layernorm.weight', false],
  ['attn.wq', 'self_attn.q_proj.weight', true],
  ['attn.wk', 'self_attn.k_proj.weight', true],
  ['attn.wv', 'self_attn.v_proj.weight', true],
  ['attn.wo', 'self_attn.o_proj.weight', true],
  ['norm2.weight', 'post_attention_layernorm.weight', false],
  ['mlp.w1', 'mlp.up_proj.weight', true],
  ['mlp.w2', 'mlp.down_proj.weight', true],
];

export const HF_EMBED = 'model.embed_tokens.weight';

/**
 * The table a token id actually enters the residual stream with: rows of the (trainable or frozen) table, times the
 * fixed projection, times inputScale. Accumulated in float64, so the only rounding is the final float32 store.
 */
export function effectiveEmbedding(cfg: ModelConfig, table: Float32Array, proj: Float32Array | null): Float32Array {
  const V = cfg.vocabSize;
  const s = cfg.substrateDim;
  const d = cfg.dModel;
  if (!proj) {
    if (cfg.inputScale === 1) return Float32Array.from(table);
    return Float32Array.from(table, (x) => x * cfg.inputScale);
  }
  const out = new Float32Array(V * d);
  const acc = new Float64Array(d);
  for (let v = 0; v < V; v++) {
    acc.fill(0);
    for (let k = 0; k < s; k++) {
      const x = table[v * s + k]!;
      if (x === 0) continue;
      const row = k * d;
      for (let j = 0; j < d; j++) acc[j]! += x * proj[row + j]!;
    }
    for (let j = 0; j < d; j++) out[v * d + j] = acc[j]! * cfg.inputScale;
  }
  return out;
}

/** transformers' state dict of an Espalier model: `get` returns Espalier tensors by stable name. */
export function toHfTensors(
  cfg: ModelConfig,
  embedding: Float32Array,
  get: (name: string) => HostTensor | undefined,
  source: string,
): Record<string, HostTensor> {
  const need = (name: string): HostTensor => {
    const t = get(name);
    if (!t) throw new UserError(`${source}: missing tensor "${name}"`);
    return t;
  };
  const out: Record<string, HostTensor> = { [HF_EMBED]: { shape: [cfg.vocabSize, cfg.dModel], data: embedding } };
  for (let i = 0; i < cfg.layers; i++) {
    for (const [esp, hf, t] of BLOCK_MAP) {
      const v = need(`blocks.${i}.${esp}`);
      out[`model.layers.${i}.${hf}`] = t ? transpose(v) : v;
    }
  }
  out['model.norm.weight'] = need('final_norm.weight');
  out['lm_head.weight'] = transpose(need('head.weight'));
  return out;
}

/**
 * The same state dict as lazy sources, in transformers' module order: shapes from the config, each tensor fetched
 * (and transposed) only when the writer reaches it, so an export holds one tensor at a time beyond the table.
 */
export function toHfSources(
  cfg: ModelConfig,
  embedding: Float32Array,
  get: (name: string) => HostTensor | undefined,
  source: string,
): Record<string, TensorSource> {
  const d = cfg.dModel;
  const f = Math.round(cfg.mlpRatio * d);
  const need = (name: string): HostTensor => {
    const t = get(name);
    if (!t) throw new UserError(`${source}: missing tensor "${name}"`);
    return t;
  };
  const lazy = (shape: number[], name: string, t: boolean): TensorSource => ({
    dtype: 'F32',
    shape,
    data: () => (t ? transpose(need(name)) : need(name)).data as Float32Array,
  });
  const out: Record<string, TensorSource> = {
    [HF_EMBED]: { dtype: 'F32', shape: [cfg.vocabSize, d], data: embedding },
  };
  const hfShape: Record<string, number[]> = {
    'input_layernorm.weight': [d],
    'post_attention_layernorm.weight': [d],
    'mlp.up_proj.weight': [f, d],
    'mlp.down_proj.weight': [d, f],
  };
  for (let i = 0; i < cfg.layers; i++) {
    for (const [esp, hf, t] of BLOCK_MAP)
      out[`model.layers.${i}.${hf}`] = lazy(hfShape[hf] ?? [d, d], `blocks.${i}.${esp}`, t);
  }
  out['model.norm.weight'] = lazy([d], 'final_norm.weight', false);
  out['lm_head.weight'] = lazy([cfg.vocabSize, d], 'head.weight', true);
  return out;
}

/** Espalier's stable-name tensors of a transformers state dict (the embedding is returned separately: it becomes the substrate). */
export function fromHfTensors(
  cfg: ModelConfig,
  get: (name: string) => HostTensor | undefined,
  source: string,
): { tensors: Record<string, HostTensor>; embedding: Float32Array } {
  const need = (name: string, shape: number[]): HostTensor => {
    const t = get(name);
    if (!t) throw new UserError(`${source}: missing tensor "${name}"`);
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      throw new UserError(
        `${source}: tensor "${name}" has shape [${t.shape.join(', ')}] but config.json needs [${shape.join(', ')}]`,
      );
    }
    return t;
  };
  const d = cfg.dModel;
  const f = Math.round(cfg.mlpRatio * d);
  const shapes: Record<string, number[]> = {
    'input_layernorm.weight': [d],
    'post_attention_layernorm.weight': [d],
    'mlp.up_proj.weight': [f, d],
    'mlp.down_proj.weight': [d, f],
  };
  const tensors: Record<string, HostTensor> = {};
  for (let i = 0; i < cfg.layers; i++) {
    for (const [esp, hf, t] of BLOCK_MAP) {
      const v = need(`model.layers.${i}.${hf}`, shapes[hf] ?? [d, d]);
      tensors[`blocks.${i}.${esp}`] = t ? transpose(v) : v;
    }
  }
  tensors['final_norm.weight'] = need('model.norm.weight', [d]);
  tensors['head.weight'] = transpose(need('lm_head.weight', [cfg.vocabSize, d]));
  const embedding = need(HF_EMBED, [cfg.vocabSize, d]).data;
  return { tensors, embedding };
}
