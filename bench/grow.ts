// Growth benchmark (`npm run bench:grow`): time per optimizer step of a late growth stage (K−1 frozen blocks + 1
// new) against full backpropagation through the same depth, with and without the frozen-prefix cache, and with LoRA.
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend, parseBackendName } from '../src-main/engine/backend';
import { LoraSet } from '../src-main/engine/grow/lora';
import { GPT } from '../src-main/engine/model/gpt';
import { randomSubstrate } from '../test/support/model';
import { buildTokenizer } from '../src-main/engine/tokenizer/index';
import { makeWindows, subset, Trainer, type Windows } from '../src-main/engine/train/index';
import { Rng } from '../src-main/engine/util/rng';
import { corpusText } from '../test/helpers/fixtures';
import { runBench } from './main';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const D = arg('d-model', 128);
const DEPTH = arg('depth', 4);
const T = arg('context', 64);
const B = arg('batch', 16);
const STEPS = arg('steps', 12);
const WARMUP = 3;

interface Timed {
  name: string;
  msPerStep: number;
  trainable: number;
}

/** Mean ms per step after `WARMUP` untimed steps (which also fill a prefix cache: the data has B·WARMUP windows at most). */
function time(name: string, step: () => void, trainable: number): Timed {
  for (let i = 0; i < WARMUP; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  return { name, msPerStep: (performance.now() - t0) / STEPS, trainable };
}

async function main(): Promise<void> {
  const report = await initBackend({
    backend: parseBackendName(process.env['ESPALIER_BACKEND']),
    threads: arg('threads', 0) || undefined,
  });
  const text = corpusText('en.txt');
  const tok = buildTokenizer([text], { ngrams: 1000 });
  const all = makeWindows(tok.encode(text), T);
  // B·WARMUP windows: the warmup steps visit each once (one epoch), so a prefix cache is full when timing starts.
  const train: Windows = subset(
    all,
    Array.from({ length: B * WARMUP }, (_, i) => i),
  );
  const data = { train, val: null };
  const substrate = randomSubstrate(tok.size, D, 1, tok.id);
  const config = { vocabSize: tok.size, layers: DEPTH, dModel: D, heads: 4, contextLength: T, mlpRatio: 4 };
  const opts = { steps: 10_000, batchSize: B, lr: 1e-3, warmupSteps: 0, seed: 1 };
  const fresh = () => GPT.create({ config, substrate, tokenizerId: tok.id, seed: 1 });
  const stageK = () => {
    const m = fresh();
    for (let i = 0; i < DEPTH - 1; i++) m.freezeBlock(i);
    return m;
  };
  console.log(
    `${describeBackend(report)}: vocab ${tok.size}, d ${D}, depth ${DEPTH}, context ${T}, batch ${B}; ${STEPS} timed steps after ${WARMUP}`,
  );

  const results: Timed[] = [];
  const run = (name: string, model: GPT, make: (m: GPT) => { trainStep(): unknown; dispose(): void }, extra = 0) => {
    const t = make(model);
    results.push(time(name, () => t.trainStep(), model.paramCounts().trainable + extra));
    t.dispose();
    model.dispose();
  };
  run(`full backprop, ${DEPTH} blocks`, fresh(), (m) => new Trainer(m, data, opts));
  run(`stage ${DEPTH}: ${DEPTH - 1} frozen + 1 new`, stageK(), (m) => new Trainer(m, data, opts));
  run(`stage ${DEPTH}, frozen prefix cached`, stageK(), (m) => new Trainer(m, data, { ...opts, cachePrefix: true }));
  const loraModel = stageK();
  const lora = new LoraSet(8, 8);
  for (let i = 0; i < DEPTH - 1; i++) lora.addBlock(loraModel, i, new Rng(i));
  run(
    `stage ${DEPTH} + LoRA r=8 on frozen blocks`,
    loraModel,
    (m) => new Trainer({ model: m, adapter: lora }, data, opts),
    lora.paramCount,
  );
  lora.dispose();

  const full = results[0]!.msPerStep;
  const w = Math.max(...results.map((r) => r.name.length));
  console.log(`${'run'.padEnd(w)}  ms/step  tokens/s  trainable  vs full`);
  for (const r of results) {
    const tps = (B * T * 1000) / r.msPerStep;
    console.log(
      `${r.name.padEnd(w)}  ${r.msPerStep.toFixed(1).padStart(7)}  ${tps.toFixed(0).padStart(8)}  ${String(r.trainable).padStart(9)}  ${(r.msPerStep / full).toFixed(2).padStart(7)}`,
    );
  }
  const [, stage, cached] = results;
  console.log(
    `stage ${DEPTH} / full backprop: ${(stage!.msPerStep / full).toFixed(2)}; prefix cache speed-up over the uncached stage: ${(stage!.msPerStep / cached!.msPerStep).toFixed(2)}×`,
  );
  console.log(`tensors alive: ${tf.memory().numTensors}`);
}

await runBench('bench:grow', main);
