// The native AdamW and sum of squares against the WebAssembly kernel (bit for bit), a float64 reference, and
// other thread counts; the moments stay off the wasm heap; checkpoints written before the native optimizer
// resume on it exactly as they resume without it, and the two write the same moment bytes.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setComputeThreads } from '../../backend';
import { modelFromCheckpoint, readCheckpoint, writeCheckpointFile } from '../../io/checkpoint';
import { AdamW, sumOfSquares } from '../../train/adamw';
import { makeWindows } from '../../train/data';
import { Trainer } from '../../train/trainer';
import { readSafetensors } from '../../util/safetensors';
import { Rng } from '../../util/rng';
import { ParamStore } from '../params';
import { testBackend, tinyModel } from '../../../../test/support/model';
import { loadGemmAddon, nativeReason } from './addon';
import { nativeOptim, setNativeOptimEnabled } from './optim';

const dir = mkdtempSync(join(tmpdir(), 'espalier-optim-'));

beforeAll(async () => {
  await testBackend();
  // The addon is part of the build (`npm ci` makes it); its absence here is a failure, not a skip.
  if (!loadGemmAddon()) throw new Error(`native addon unavailable: ${nativeReason()} — run \`npm run build:native\``);
  if (!nativeOptim()) throw new Error('the native addon lacks adamw/sumsq — run `npm run build:native`');
});

afterEach(() => {
  setNativeOptimEnabled(true);
  setComputeThreads(1);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTS = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
// Sizes below and above the native code's 65,536-float parts, and not multiples of four (the scalar tails).
const SHAPES: Record<string, number[]> = { 'a.w': [300, 450], 'a.b': [7], 'b.w': [3, 41], 'b.e': [65_537] };

function randn(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** Three AdamW steps with fixed random parameters and gradients; the parameters, moments and Σg² read back. */
function steps(native: boolean, threads = 1) {
  setNativeOptimEnabled(native);
  setComputeThreads(threads);
  const rng = new Rng(11);
  const store = new ParamStore();
  for (const [n, s] of Object.entries(SHAPES))
    store.add(
      n,
      tf.tensor(
        randn(
          s.reduce((a, b) => a * b),
          rng,
        ),
        s,
      ),
      { decay: n.endsWith('.w') },
    );
  const opt = new AdamW(OPTS);
  const sq: number[] = [];
  for (let k = 0; k < 3; k++) {
    const grads = new Map(
      Object.entries(SHAPES).map(([n, s]) => [n, tf.tensor(randn(tf.util.sizeFromShape(s), rng, 0.1), s)]),
    );
    sq.push(sumOfSquares([...grads.values()]));
    opt.apply(store.list(), grads, 1e-2, k === 1 ? 0.5 : 1);
    tf.dispose([...grads.values()]);
  }
  const out = { params: store.toHost(), state: opt.state(), sq, heapBytes: tf.memory().numBytes };
  opt.dispose();
  store.dispose();
  return out;
}

/** The same steps in float64 from the same draws (decoupled decay, bias-corrected moments). */
function reference() {
  const rng = new Rng(11);
  const p = Object.fromEntries(
    Object.entries(SHAPES).map(([n, s]) => [n, Float64Array.from(randn(tf.util.sizeFromShape(s), rng))]),
  );
  const m = Object.fromEntries(Object.keys(SHAPES).map((n) => [n, new Float64Array(p[n]!.length)]));
  const v = Object.fromEntries(Object.keys(SHAPES).map((n) => [n, new Float64Array(p[n]!.length)]));
  for (let k = 0; k < 3; k++) {
    const t = k + 1;
    const gs = k === 1 ? 0.5 : 1;
    for (const n of Object.keys(SHAPES)) {
      const g = randn(p[n]!.length, rng, 0.1);
      const decay = n.endsWith('.w') ? 1 - 1e-2 * OPTS.weightDecay : 1;
      for (let i = 0; i < g.length; i++) {
        const gi = g[i]! * gs;
        m[n]![i] = OPTS.beta1 * m[n]![i]! + (1 - OPTS.beta1) * gi;
        v[n]![i] = OPTS.beta2 * v[n]![i]! + (1 - OPTS.beta2) * gi * gi;
        const mh = m[n]![i]! / (1 - OPTS.beta1 ** t);
        const vh = v[n]![i]! / (1 - OPTS.beta2 ** t);
        p[n]![i] = p[n]![i]! * decay - (1e-2 * mh) / (Math.sqrt(vh) + OPTS.eps);
      }
    }
  }
  return p;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('native AdamW', () => {
  it('gives the WebAssembly kernel’s bits, parameters, moments and Σg², at any thread count', () => {
    const wasm = steps(false);
    for (const threads of [1, 2, 3]) {
      const nat = steps(true, threads);
      expect(nat.sq).toEqual(wasm.sq);
      for (const n of Object.keys(SHAPES)) {
        expect(bits(nat.params[n]!.data as Float32Array)).toEqual(bits(wasm.params[n]!.data as Float32Array));
        expect(bits(nat.state.m[n]!.data)).toEqual(bits(wasm.state.m[n]!.data));
        expect(bits(nat.state.v[n]!.data)).toEqual(bits(wasm.state.v[n]!.data));
        expect(nat.state.m[n]!.shape).toEqual(SHAPES[n]);
      }
    }
  });

  it('matches a float64 AdamW within float rounding', () => {
    const nat = steps(true, 2);
    const ref = reference();
    for (const n of Object.keys(SHAPES)) {
      const got = nat.params[n]!.data;
      let worst = 0;
      for (let i = 0; i < got.length; i++)
        worst = Math.max(worst, Math.abs(got[i]! - ref[n]![i]!) / (Math.abs(ref[n]![i]!) + 1e-3));
      expect(worst, n).toBeLessThan(1e-5);
    }
  });

  it('keeps the moments off the wasm heap', () => {
    const rng = new Rng(3);
    const store = new ParamStore();
    store.add('w', tf.tensor(randn(1 << 18, rng), [512, 512]), { decay: true });
    const opt = new AdamW(OPTS);
    const g = tf.tensor(randn(1 << 18, rng), [512, 512]);
    const before = tf.memory().numBytes;
    opt.apply(store.list(), new Map([['w', g]]), 1e-3, 1);
    // The parameter was replaced by its update, so the tensors on the heap hold as many bytes as before.
    expect(tf.memory().numBytes).toBe(before);
    expect(opt.moments()).toEqual([]);
    expect(opt.state().v['w']!.data.some((x) => x > 0)).toBe(true);
    setNativeOptimEnabled(false);
    opt.apply(store.list(), new Map([['w', g]]), 1e-3, 1);
    // The WebAssembly kernel holds them as two tensors of the parameter's size.
    expect(tf.memory().numBytes).toBe(before + 2 * 4 * (1 << 18));
    tf.dispose(g);
    opt.dispose();
    store.dispose();
  });
});

describe('checkpoints across the native optimizer', () => {
  const rng = new Rng(12);
  const ids = Int32Array.from({ length: 4000 }, () => rng.int(60));
  const data = { train: makeWindows(ids.subarray(0, 3600), 32), val: makeWindows(ids.subarray(3600), 32) };
  const opts = { steps: 4, batchSize: 4, lr: 3e-3, evalEvery: 100, seed: 2 };
  const newModel = () => tinyModel({ vocabSize: 60, dModel: 64, heads: 4, layers: 2, contextLength: 32 }, 5);

  /** Two steps, a checkpoint, then two more; losses and final weights. */
  function run(native: { first: boolean; resume: boolean }, file: string) {
    setNativeOptimEnabled(native.first);
    const m = newModel();
    const t = new Trainer(m, data, opts);
    t.trainStep();
    t.trainStep();
    writeCheckpointFile(file, m, t.opts, t.state());
    t.dispose();
    m.dispose();
    setNativeOptimEnabled(native.resume);
    const ck = readCheckpoint(file);
    const m2 = modelFromCheckpoint(ck, newModel().substrate, file);
    const t2 = new Trainer(m2, data, opts, ck.trainerState);
    const losses = [t2.trainStep().loss, t2.trainStep().loss];
    const weights = m2.params.toHost();
    t2.dispose();
    m2.dispose();
    return { losses, weights };
  }

  it('resume a checkpoint written by the WebAssembly optimizer exactly as it resumes there', () => {
    const before = run({ first: false, resume: false }, join(dir, 'wasm.safetensors'));
    const after = run({ first: false, resume: true }, join(dir, 'wasm2.safetensors'));
    expect(after.losses).toEqual(before.losses);
    for (const [n, w] of Object.entries(before.weights))
      expect(bits(after.weights[n]!.data as Float32Array)).toEqual(bits(w.data as Float32Array));
  });

  it('write the same moment tensors, byte for byte', () => {
    run({ first: true, resume: true }, join(dir, 'native.safetensors'));
    const a = readSafetensors(join(dir, 'wasm.safetensors')).tensors;
    const b = readSafetensors(join(dir, 'native.safetensors')).tensors;
    const moments = [...a.keys()].filter((k) => k.startsWith('optimizer.'));
    expect(moments.length).toBeGreaterThan(10);
    expect([...b.keys()].filter((k) => k.startsWith('optimizer.')).sort()).toEqual([...moments].sort());
    for (const k of moments) {
      expect(b.get(k)!.shape).toEqual(a.get(k)!.shape);
      expect(bits(b.get(k)!.data as Float32Array)).toEqual(bits(a.get(k)!.data as Float32Array));
    }
  });
});
