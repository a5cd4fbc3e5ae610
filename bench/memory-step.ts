// Child of bench/memory.ts: builds one model on a random substrate, trains `--steps` optimizer steps on random
// tokens (the first allocates AdamW's moments), writes a checkpoint as jobs do, and prints its own peak resident
// memory as JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src-main/engine/backend';
import { writeCheckpointFile } from '../src-main/engine/io/checkpoint';
import { GPT } from '../src-main/engine/model/gpt';
import { makeWindows, Trainer } from '../src-main/engine/train/index';
import { Rng } from '../src-main/engine/util/rng';
import { randomSubstrate } from '../test/support/model';

const a = JSON.parse(process.argv[2]!) as {
  vocab: number;
  layers: number;
  dModel: number;
  heads: number;
  context: number;
  batch: number;
  accum: number;
  frozen: number;
  steps: number;
  backend: string;
};
await initBackend({ backend: a.backend as 'wasm', threads: 1 });
const sub = randomSubstrate(a.vocab, a.dModel, 1, 'bench-memory');
const m = GPT.create({
  config: {
    vocabSize: a.vocab,
    layers: a.layers,
    dModel: a.dModel,
    heads: a.heads,
    contextLength: a.context,
    mlpRatio: 4,
  },
  substrate: sub,
  tokenizerId: 'bench-memory',
  seed: 1,
});
for (let i = 0; i < a.frozen; i++) m.freezeBlock(i);
const rng = new Rng(3);
const n = (a.batch * a.accum * a.steps + 4) * a.context + 1;
const tokens = Int32Array.from({ length: n }, () => rng.int(a.vocab));
const w = makeWindows(tokens, a.context);
const t = new Trainer(
  m,
  { train: w, val: null },
  { steps: a.steps, batchSize: a.batch, accumulation: a.accum, lr: 1e-3, evalEvery: 1_000_000 },
);
const t0 = performance.now();
for (let s = 0; s < a.steps; s++) t.trainStep();
// What a job adds: a checkpoint (the optimizer state read to the host, then streamed to disk).
const dir = mkdtempSync(join(tmpdir(), 'espalier-bench-memory-'));
writeCheckpointFile(join(dir, 'c.safetensors'), m, t.opts, t.state());
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({ peakRss: process.resourceUsage().maxRSS * 1024, seconds: (performance.now() - t0) / 1000 }),
);
