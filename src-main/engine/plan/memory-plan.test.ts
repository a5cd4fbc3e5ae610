// The memory plan: parameter counts from the config equal those of the built model, the paper's presets match its
// published figures, limits are enforced, and a refusal is one line with the numbers and a way to fit.
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpWidth, resolveConfig, type ModelConfigInput } from '../model/config';
import { GPT } from '../model/gpt';
import { paramReport, paramReportFromConfig } from '../model/param-report';
import { randomSubstrate, testBackend } from '../../../test/support/model';
import { GiB, memoryPlan, planAdvice, refusalLine, PRESETS, WASM_HEAP_BYTES } from './index';

beforeAll(testBackend);

describe('parameter counts from the config', () => {
  const cases: [string, ModelConfigInput, number][] = [
    ['plain', { vocabSize: 97, layers: 3, dModel: 32, heads: 4 }, 0],
    ['grown (two frozen blocks)', { vocabSize: 97, layers: 3, dModel: 32, heads: 4 }, 2],
    [
      'layernorm, projected substrate',
      { vocabSize: 61, layers: 2, dModel: 32, heads: 2, norm: 'layernorm', substrateDim: 16 },
      1,
    ],
    [
      'trainable embedding',
      { vocabSize: 61, layers: 1, dModel: 16, heads: 2, embedding: 'trainable', mlpRatio: 2.5 },
      0,
    ],
  ];
  for (const [name, input, frozen] of cases) {
    it(`equal the built model's (${name})`, () => {
      const cfg = resolveConfig(input);
      const m = GPT.create({
        config: cfg,
        substrate: randomSubstrate(cfg.vocabSize, cfg.substrateDim),
        tokenizerId: 'test-tokenizer',
        seed: 1,
      });
      for (let i = 0; i < frozen; i++) m.freezeBlock(i);
      expect(paramReportFromConfig(cfg, frozen)).toEqual(paramReport(m));
      m.dispose();
    });
  }
});

describe('presets', () => {
  it("growing-9 has the paper's 247.6 M parameters (±1 %) with a 65,536-token vocabulary", () => {
    const p = PRESETS['growing-9']!;
    const n = paramReportFromConfig(resolveConfig(p.config)).total;
    expect(p.config.vocabSize).toBe(65_536);
    expect(Math.abs(n / 247.6e6 - 1)).toBeLessThan(0.01);
    expect(n).toBe(247_483_392);
  });

  it("best-16 has 16 blocks, a 131,072-token vocabulary and about the paper's 0.5 B", () => {
    const p = PRESETS['best-16']!;
    const n = paramReportFromConfig(resolveConfig(p.config)).total;
    expect(p.config).toMatchObject({ layers: 16, vocabSize: 131_072 });
    expect(Math.abs(n / 0.5e9 - 1)).toBeLessThan(0.1);
  });
});

describe('memoryPlan', () => {
  const cfg = resolveConfig({ ...PRESETS['growing-9']!.config });

  it('adds up its parts, and frozen blocks need no gradients or moments', () => {
    const p = memoryPlan({ config: cfg, batch: 1, accumulation: 1, backend: 'wasm', availableRam: 1e15 });
    const b = p.bytes;
    expect(b.total).toBe(
      b.base +
        b.weights +
        b.hostWeights +
        b.substrate +
        b.gradients +
        b.optimizer +
        b.activations +
        b.logits +
        b.resumed,
    );
    expect(b.gradients).toBe(4 * p.params.trainable);
    expect(b.optimizer).toBe(4 * 4 * p.params.trainable);
    const grown = memoryPlan({
      config: cfg,
      batch: 1,
      accumulation: 1,
      frozenBlocks: 8,
      backend: 'wasm',
      availableRam: 1e15,
    });
    expect(grown.params.total).toBe(p.params.total);
    expect(grown.bytes.gradients).toBeLessThan(b.gradients / 2);
    expect(grown.bytes.activations).toBeLessThan(b.activations / 3);
    // A checkpoint's weights are read to the host at once; a resumed run also holds the checkpoint it read.
    expect(b.hostWeights).toBe(b.weights);
    expect(b.resumed).toBe(0);
    const resumed = memoryPlan({
      config: cfg,
      batch: 1,
      accumulation: 1,
      backend: 'wasm',
      availableRam: 1e15,
      resumed: true,
    });
    expect(resumed.bytes.resumed).toBe(b.weights + 2 * 4 * p.params.trainable);
    expect(resumed.bytes.total - b.total).toBe(resumed.bytes.resumed);
    expect(resumed.bytes.backendHeap).toBe(b.backendHeap);
  });

  it('counts --precision f16 storage on webgpu: float16 weight copies, float16 saved matmul inputs', () => {
    const base = { config: cfg, batch: 4, accumulation: 1, backend: 'webgpu', availableRam: 1e15 } as const;
    const f32 = memoryPlan(base);
    const f16 = memoryPlan({ ...base, precision: 'f16' });
    const d = cfg.dModel;
    const f = mlpWidth(cfg);
    const matrices =
      cfg.layers * (4 * d * d + 2 * d * f) +
      d * cfg.vocabSize +
      (cfg.inputProjection === 'frozen-random' ? cfg.substrateDim * d : 0);
    expect(f16.bytes.weights - f32.bytes.weights).toBe(2 * matrices);
    const rows = 4 * cfg.contextLength;
    expect(f32.bytes.activations - f16.bytes.activations).toBe(cfg.layers * 2 * rows * (3 * d + f));
    expect(f16.bytes.halfStorage).toBe(2 * matrices - cfg.layers * 2 * rows * (3 * d + f));
    expect(f32.bytes.halfStorage).toBe(0);
    // f16 is a webgpu path: the same input on wasm plans float32.
    expect(memoryPlan({ ...base, backend: 'wasm', precision: 'f16' }).bytes).toEqual(
      memoryPlan({ ...base, backend: 'wasm' }).bytes,
    );
  });

  it('refuses past the 4 GiB WebAssembly heap or the RAM, in one line with the numbers and what would fit', () => {
    const input = {
      config: resolveConfig({ ...cfg, layers: 4, contextLength: 256 }),
      batch: 8,
      accumulation: 2,
      backend: 'wasm',
      availableRam: 64 * GiB,
      // The wasm kernel's placement: moments on the heap beside the weights.
      nativeOptimizer: false,
    };
    const p = memoryPlan(input);
    expect(p.fits).toBe(false);
    expect(p.limits.wasmHeap).toBe(WASM_HEAP_BYTES);
    const advice = planAdvice(input);
    const line = refusalLine(p, advice, { grow: false });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(
      /^this job does not fit: it needs [\d.]+ GiB of WebAssembly heap, which holds at most 4\.00 GiB \(weights 0\.44 GiB, substrate 0\.25 GiB, gradients 0\.88 GiB, AdamW 1\.75 GiB, activations [\d.]+ GiB, logits [\d.]+ GiB, runtime [\d.]+ GiB, host copy of the weights 0\.44 GiB\); it would fit with --batch \d --grad-accum \d+/,
    );
    // Every way offered does fit, and keeps the windows per optimizer step.
    const ga = advice.gradAccum!;
    expect(ga.batch * ga.accumulation).toBe(16);
    expect(memoryPlan({ ...input, batch: ga.batch, accumulation: ga.accumulation }).fits).toBe(true);
    expect(memoryPlan({ ...input, batch: ga.batch + 1 === 8 ? 8 : ga.batch * 2, accumulation: 1 }).fits).toBe(false);
    if (advice.growth)
      expect(
        memoryPlan({ ...input, frozenBlocks: 3, batch: advice.growth.batch, accumulation: advice.growth.accumulation })
          .fits,
      ).toBe(true);
    if (advice.context)
      expect(
        memoryPlan({ ...input, config: resolveConfig({ ...input.config, contextLength: advice.context.context }) })
          .fits,
      ).toBe(true);
    const tight = memoryPlan({ ...input, backend: 'cpu', availableRam: 2 * GiB });
    expect(tight.problems).toEqual([expect.stringMatching(/^needs [\d.]+ GiB of RAM, 2\.00 GiB is available$/)]);
    expect(
      refusalLine(tight, planAdvice({ ...input, backend: 'cpu', availableRam: 0.1 * GiB }), { grow: false }),
    ).toMatch(/nothing smaller in batch, context or frozen blocks fits/);
  });

  it('counts on the wasm heap only what lives there, and everything in the RAM total', () => {
    const input = { config: cfg, batch: 1, accumulation: 1, backend: 'wasm', availableRam: 64 * GiB };
    const heapOnly = memoryPlan({ ...input, nativeOptimizer: false });
    const native = memoryPlan({ ...input, nativeOptimizer: true });
    const b = native.bytes;
    const table = 4 * cfg.vocabSize * cfg.substrateDim;
    // The substrate is its host matrix alone on the CPU path; AdamW's moments leave the heap with the native step.
    expect(b.substrate).toBe(table);
    expect(native.placement).toMatchObject({ optimizer: 'native', substrate: 'host' });
    expect(heapOnly.placement.optimizer).toBe('backend');
    expect(b.backendHeap).toBe(b.weights + b.gradients + b.activations + b.logits);
    expect(heapOnly.bytes.backendHeap - b.backendHeap).toBe(b.optimizer / 2);
    expect(b.total).toBe(heapOnly.bytes.total);
    // The monolithic growing-9 model at batch 1 fits the 4 GiB heap only with the moments outside it.
    expect(native.fits).toBe(true);
    expect(heapOnly.problems).toEqual([expect.stringMatching(/^needs 4\.\d\d GiB of WebAssembly heap/)]);
    expect(native.placement.onHeap.join(' ')).toMatch(/frozen blocks/);
    expect(heapOnly.placement.onHeap.join(' ')).toMatch(/AdamW moments: the native addon .* is not available/);
    // GPU backends keep a device copy of the table beside the host matrix, and no heap lines.
    const gpu = memoryPlan({ ...input, backend: 'webgpu' });
    expect(gpu.bytes.substrate).toBe(2 * table);
    expect(gpu.placement).toMatchObject({ substrate: 'host+backend', optimizer: 'backend', onHeap: [] });
  });

  it("checks the largest tensor against a WebGPU adapter's buffer limit", () => {
    const p = memoryPlan({
      config: cfg,
      batch: 4,
      accumulation: 1,
      backend: 'webgpu',
      gpu: { maxBufferSize: 2 * GiB, maxStorageBufferBindingSize: GiB / 2 },
      availableRam: 1e15,
    });
    expect(p.bytes.largestTensor).toBe(4 * 4 * 1024 * 65_536);
    expect(p.problems).toEqual(["its largest tensor is 1.00 GiB, above the WebGPU adapter's 0.50 GiB buffer limit"]);
  });
});
