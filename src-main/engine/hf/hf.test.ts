// The Espalier ⇄ transformers mapping without Python: config round trip, refusals naming the field, tensor layouts,
// and the folded input table (test/hf-model.test.ts compares against transformers itself).
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../model/config';
import { Rng } from '../util/rng';
import { configFromHf, hfConfigJson, hfExportBlocker } from './config';
import { effectiveEmbedding, fromHfTensors, HF_EMBED, toHfTensors, transpose } from './weights';

const cfg = resolveConfig({
  vocabSize: 300,
  layers: 2,
  dModel: 24,
  heads: 3,
  contextLength: 40,
  mlpRatio: 2.5,
  normEps: 1e-6,
  ropeBase: 5000,
  initStd: 0.03,
});

function random(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  const rng = new Rng(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) };
}

describe('config.json mapping', () => {
  it('round-trips every architecture field', () => {
    const hf = hfConfigJson(cfg);
    expect(hf).toMatchObject({
      architectures: ['ArceeForCausalLM'],
      intermediate_size: 60,
      head_dim: 8,
      num_key_value_heads: 3,
      rms_norm_eps: 1e-6,
      rope_parameters: { rope_type: 'default', rope_theta: 5000 },
      max_position_embeddings: 40,
    });
    expect(configFromHf(JSON.parse(JSON.stringify(hf)), 'c.json')).toEqual(cfg);
  });

  it('refuses what Espalier cannot compute, naming the field', () => {
    const hf = hfConfigJson(cfg);
    expect(() => configFromHf({ ...hf, mlp_bias: true }, 'c.json')).toThrow(/c\.json: field "mlp_bias" is true/);
    expect(() => configFromHf({ ...hf, head_dim: 16 }, 'c.json')).toThrow(/field "head_dim" is 16/);
    expect(() => configFromHf({ ...hf, rope_parameters: { rope_type: 'yarn', rope_theta: 1e4 } }, 'c.json')).toThrow(
      /field "rope_parameters"/,
    );
    expect(() => configFromHf({ ...hf, intermediate_size: undefined }, 'c.json')).toThrow(
      /field "intermediate_size" must be a positive integer/,
    );
    expect(hfExportBlocker(resolveConfig({ vocabSize: 10, norm: 'layernorm' }))).toMatch(/RMSNorm only/);
  });
});

describe('tensor layouts', () => {
  it('transposes matrices to [out, in] and back exactly', () => {
    const names = ['final_norm.weight', 'head.weight'];
    for (let i = 0; i < cfg.layers; i++)
      for (const k of ['norm1.weight', 'norm2.weight', 'attn.wq', 'attn.wk', 'attn.wv', 'attn.wo', 'mlp.w1', 'mlp.w2'])
        names.push(`blocks.${i}.${k}`);
    const shape = (n: string): number[] =>
      n.endsWith('w1')
        ? [24, 60]
        : n.endsWith('w2')
          ? [60, 24]
          : n === 'head.weight'
            ? [24, 300]
            : n.includes('norm')
              ? [24]
              : [24, 24];
    const esp = Object.fromEntries(names.map((n, i) => [n, random(shape(n), i + 1)]));
    const table = random([300, 24], 99).data;
    const hf = toHfTensors(cfg, table, (n) => esp[n], 'w');
    expect(hf['model.layers.1.mlp.up_proj.weight']!.shape).toEqual([60, 24]);
    expect(hf['lm_head.weight']!.shape).toEqual([300, 24]);
    // y = x·W in Espalier is W' x in torch: element [o, i] of the torch weight is W[i, o].
    expect(hf['model.layers.0.self_attn.q_proj.weight']!.data[2 * 24 + 5]).toBe(
      esp['blocks.0.attn.wq']!.data[5 * 24 + 2],
    );
    const back = fromHfTensors(cfg, (n) => hf[n], 'w');
    expect(back.embedding).toBe(hf[HF_EMBED]!.data);
    for (const n of names) expect(back.tensors[n], n).toEqual(esp[n]);
    expect(() =>
      fromHfTensors(cfg, (n) => (n === 'lm_head.weight' ? transpose(hf[n]!) : hf[n]), 'w.safetensors'),
    ).toThrow(/w\.safetensors: tensor "lm_head.weight" has shape \[24, 300\] but config.json needs \[300, 24\]/);
  });

  it('folds the fixed projection and input scale into the table', () => {
    const c = resolveConfig({ vocabSize: 5, dModel: 4, heads: 2, substrateDim: 3, inputScale: 2 });
    const table = random([5, 3], 1).data;
    const proj = random([3, 4], 2).data;
    const out = effectiveEmbedding(c, table, proj);
    for (let v = 0; v < 5; v++)
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += table[v * 3 + k]! * proj[k * 4 + j]!;
        expect(out[v * 4 + j]).toBeCloseTo(2 * s, 5);
      }
    const plain = resolveConfig({ vocabSize: 5, dModel: 4, heads: 2 });
    const rows = random([5, 4], 3).data;
    expect(effectiveEmbedding(plain, rows, null)).toEqual(rows);
  });
});
