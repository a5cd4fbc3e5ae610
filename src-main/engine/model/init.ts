// Seeded, backend-independent initial values for the GPT's parameters (drawn in JS from util/rng).
import type { Rng } from '../util/rng';
import { mlpWidth, type ModelConfig } from './config';

export type HostTensor = { shape: number[]; data: Float32Array };

export function gaussian(rng: Rng, shape: number[], std: number): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  if (std !== 0) for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
  return { shape, data };
}

export function filled(shape: number[], value: number): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: new Float32Array(n).fill(value) };
}

/** Parameter names of block i, in the order they are created. */
export function blockParamNames(i: number, cfg: Pick<ModelConfig, 'norm'>): string[] {
  const p = `blocks.${i}`;
  const norm = (k: string) =>
    cfg.norm === 'layernorm' ? [`${p}.${k}.weight`, `${p}.${k}.bias`] : [`${p}.${k}.weight`];
  return [
    ...norm('norm1'),
    `${p}.attn.wq`,
    `${p}.attn.wk`,
    `${p}.attn.wv`,
    `${p}.attn.wo`,
    ...norm('norm2'),
    `${p}.mlp.w1`,
    `${p}.mlp.w2`,
  ];
}

/** How a new block starts: drawn (scaled or not), as the identity, or as a copy of the block below. */
export const BLOCK_INITS = ['scaled', 'unscaled', 'zero-output', 'copy'] as const;
export type BlockInit = (typeof BLOCK_INITS)[number];
/** The block a fresh draw makes ('copy' needs a block below to copy). */
export type DrawnInit = Exclude<BlockInit, 'copy'>;

/** Earlier spellings (run folders and scripts from before the four choices): 'random' was 'scaled', 'zero' 'zero-output'. */
export const BLOCK_INIT_ALIASES: Readonly<Record<string, BlockInit>> = { random: 'scaled', zero: 'zero-output' };

/**
 * Initial values of block i. Every matrix N(0, σ); the output projections (attention wo, MLP w2) differ:
 * 'scaled' N(0, σ/√(2·layers)) as in GPT-2, 'unscaled' N(0, σ), 'zero-output' zero, so the block starts as the identity.
 */
export function initBlock(i: number, cfg: ModelConfig, rng: Rng, init: DrawnInit): Map<string, HostTensor> {
  const d = cfg.dModel;
  const f = mlpWidth(cfg);
  const std = cfg.initStd;
  const outStd = init === 'zero-output' ? 0 : init === 'unscaled' ? std : std / Math.sqrt(2 * Math.max(1, cfg.layers));
  const p = `blocks.${i}`;
  const m = new Map<string, HostTensor>();
  const norm = (k: string) => {
    m.set(`${p}.${k}.weight`, filled([d], 1));
    if (cfg.norm === 'layernorm') m.set(`${p}.${k}.bias`, filled([d], 0));
  };
  norm('norm1');
  m.set(`${p}.attn.wq`, gaussian(rng, [d, d], std));
  m.set(`${p}.attn.wk`, gaussian(rng, [d, d], std));
  m.set(`${p}.attn.wv`, gaussian(rng, [d, d], std));
  m.set(`${p}.attn.wo`, gaussian(rng, [d, d], outStd));
  norm('norm2');
  m.set(`${p}.mlp.w1`, gaussian(rng, [d, f], std));
  m.set(`${p}.mlp.w2`, gaussian(rng, [f, d], outStd));
  return m;
}

/** Everything outside the blocks: the input projection (if any), the final norm and the head. */
export function initOuter(cfg: ModelConfig, rng: Rng, substrate: Float32Array): Map<string, HostTensor> {
  const m = new Map<string, HostTensor>();
  if (cfg.embedding === 'trainable')
    m.set('embed.weight', { shape: [cfg.vocabSize, cfg.substrateDim], data: Float32Array.from(substrate) });
  // A fixed Gaussian map keeps unit-norm substrate rows near unit norm in dModel dimensions.
  if (cfg.inputProjection === 'frozen-random')
    m.set('embed.proj', gaussian(rng, [cfg.substrateDim, cfg.dModel], 1 / Math.sqrt(cfg.dModel)));
  m.set('final_norm.weight', filled([cfg.dModel], 1));
  if (cfg.norm === 'layernorm') m.set('final_norm.bias', filled([cfg.dModel], 0));
  m.set('head.weight', gaussian(rng, [cfg.dModel, cfg.vocabSize], cfg.initStd));
  return m;
}
