// Test helpers for the model, trainer and io suites: a tiny synthetic substrate and a tiny GPT.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src-main/engine/backend';
import { Rng } from '../../src-main/engine/util/rng';
import type { ModelConfigInput } from '../../src-main/engine/model/config';
import { substrateId, SUBSTRATE_BUILDER_VERSION, type Substrate } from '../../src-main/engine/substrate/index';
import { GPT } from '../../src-main/engine/model/gpt';

/** wasm with one thread: the test runner already runs two files in parallel on two cores. */
export async function testBackend(): Promise<void> {
  await initBackend({ backend: 'wasm', threads: 1 });
}

export const TEST_TOKENIZER_ID = 'test-tokenizer';

/** Seeded unit-norm rows, like a real substrate, with a real id and metadata (so it can be saved). */
export function randomSubstrate(vocabSize: number, dim: number, seed = 1, tokenizerId = TEST_TOKENIZER_ID): Substrate {
  const rng = new Rng(seed);
  const m = new Float32Array(vocabSize * dim);
  for (let r = 0; r < vocabSize; r++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) {
      const v = rng.normal();
      m[r * dim + c] = v;
      norm += v * v;
    }
    for (let c = 0; c < dim; c++) m[r * dim + c]! /= Math.sqrt(norm);
  }
  const id = substrateId(tokenizerId, m);
  return {
    id,
    kind: 'random',
    vocabSize,
    dim,
    matrix: m,
    meta: {
      format: 'espalier-substrate',
      id,
      kind: 'random',
      dim,
      vocabSize,
      tokenizerId,
      builderVersion: SUBSTRATE_BUILDER_VERSION,
      seed,
    },
  };
}

export const TINY: ModelConfigInput = {
  vocabSize: 37,
  layers: 2,
  dModel: 16,
  heads: 2,
  contextLength: 12,
  mlpRatio: 2,
};

export function tinyModel(overrides: Partial<ModelConfigInput> = {}, seed = 3): GPT {
  const cfg = { ...TINY, ...overrides };
  return GPT.create({
    config: cfg,
    substrate: randomSubstrate(cfg.vocabSize, cfg.substrateDim ?? cfg.dModel ?? 16),
    tokenizerId: TEST_TOKENIZER_ID,
    seed,
  });
}

export function randomTokens(B: number, T: number, vocab: number, seed = 5): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(
    Int32Array.from({ length: B * T }, () => rng.int(vocab)),
    [B, T],
    'int32',
  );
}
