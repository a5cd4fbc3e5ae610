// The memory plan of a training job, computed from the config before anything is allocated: parameters
// (trainable / frozen blocks / substrate), gradients, AdamW moments, activations and logits for batch × context,
// against the backend's limits (the 32-bit WebAssembly heap, WebGPU buffer limits) and the RAM free now.
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { mlpWidth, type ModelConfig } from '../model/config';
import { paramReportFromConfig, type ParamReport } from '../model/param-report';

export const GiB = 2 ** 30;
/** tfjs-wasm keeps every tensor in one 32-bit WebAssembly memory: at most 4 GiB, whatever the machine has. */
export const WASM_HEAP_BYTES = 4 * GiB;

/**
 * Calibration against measured peak RSS (docs/scale-on-one-machine.md has the table): what Node, tfjs and the
 * wasm module hold before any model; how many d- and f-wide float rows each trained block keeps per token for
 * the backward pass; the B·H·T² attention scores, which only the block being computed holds (the fused attention
 * keeps none for the backward pass); copies of the logits (logits, softmax, gradient).
 */
export const CALIBRATION = { baseBytes: 200 * 2 ** 20, rowsD: 14, rowsF: 3, scoreBlocks: 1, logitCopies: 3 } as const;

export interface PlanInput {
  config: ModelConfig;
  /** Windows per micro-batch. */
  batch: number;
  /** Micro-batches per optimizer step. */
  accumulation: number;
  /** The lowest blocks frozen (a growth stage): no gradients, no moments, no saved activations. */
  frozenBlocks?: number;
  /** 'wasm' and 'cpu' hold tensors in the process; 'webgpu' and 'node-gpu' on the GPU. */
  backend: string;
  /** WebGPU adapter limits where known. */
  gpu?: { maxBufferSize: number; maxStorageBufferBindingSize: number } | null;
  /** Bytes of RAM available to the job (default: MemAvailable now, plus what this process already holds). */
  availableRam?: number;
  /** The job continues from a checkpoint (`train --resume`), which is read whole and held through the run. */
  resumed?: boolean;
}

export interface MemoryPlan {
  params: ParamReport;
  batch: number;
  accumulation: number;
  context: number;
  backend: string;
  bytes: {
    /** Trainable and frozen parameters as backend tensors (float32). */
    weights: number;
    /**
     * The parameters' host copy: a checkpoint or model folder reads every parameter to the host at once (the reads
     * are awaited together, as WebGPU needs) before writing them tensor by tensor; so does a growth stage before
     * it stacks new blocks.
     */
    hostWeights: number;
    /** The substrate table: the host copy and the backend's. */
    substrate: number;
    gradients: number;
    /** AdamW's two moments, plus their host copy while a checkpoint is written. */
    optimizer: number;
    /** Saved for the backward pass: trained blocks' rows and attention scores for one micro-batch. */
    activations: number;
    /** Logits over the vocabulary for one micro-batch (and their softmax and gradient). */
    logits: number;
    /** Node, tfjs, the wasm module and the data. */
    base: number;
    /** A resumed run's checkpoint (weights and AdamW moments), read whole and held while it trains; 0 otherwise. */
    resumed: number;
    /** Peak resident memory of the process (what the RAM must hold). */
    total: number;
    /** What must sit in the backend's own memory (the wasm heap on the CPU path). */
    backendHeap: number;
    /** The largest single tensor (WebGPU binds each as one buffer). */
    largestTensor: number;
  };
  limits: { ram: number; ramTotal: number; wasmHeap: number | null; gpuMaxBuffer: number | null };
  /** One reason per limit exceeded; empty when the job fits. */
  problems: string[];
  fits: boolean;
}

/** MemAvailable from /proc/meminfo (the kernel's estimate of what can be had without swapping), else os.freemem. */
export function availableRamBytes(): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return freemem();
}

export const gib = (n: number): string => `${(n / GiB).toFixed(n < 10 * GiB ? 2 : 1)} GiB`;

export function memoryPlan(input: PlanInput): MemoryPlan {
  const cfg = input.config;
  const B = input.batch;
  const T = cfg.contextLength;
  const d = cfg.dModel;
  const f = mlpWidth(cfg);
  const frozenBlocks = Math.min(input.frozenBlocks ?? 0, cfg.layers);
  const params = paramReportFromConfig(cfg, frozenBlocks);
  const table = cfg.vocabSize * cfg.substrateDim;
  const frozenTable = cfg.embedding === 'frozen' ? table : 0;
  const c = CALIBRATION;
  const weights = 4 * (params.total - frozenTable);
  const hostWeights = weights;
  const substrate = 2 * 4 * table;
  const gradients = 4 * params.trainable * (input.accumulation > 1 ? 2 : 1);
  const moments = 2 * 4 * params.trainable;
  const optimizer = moments * 2;
  const trained = cfg.layers - frozenBlocks;
  // Blocks in the gradient tape keep their rows; a frozen prefix runs forward only (one block's rows at a time).
  const perBlock = 4 * B * T * (c.rowsD * d + c.rowsF * f);
  const activations =
    perBlock * (Math.max(trained, 0) + (frozenBlocks > 0 ? 1 : 0)) + 4 * c.scoreBlocks * B * cfg.heads * T * T;
  const logits = 4 * c.logitCopies * B * T * cfg.vocabSize;
  const base = c.baseBytes;
  const resumed = input.resumed === true ? weights + moments : 0;
  const total = base + weights + hostWeights + substrate + gradients + optimizer + activations + logits + resumed;
  const backendHeap = weights + substrate / 2 + gradients + moments + activations + logits;
  const largestTensor = 4 * Math.max(B * T * cfg.vocabSize, d * cfg.vocabSize, table, d * f, B * cfg.heads * T * T);
  const gpu = input.backend === 'webgpu' ? (input.gpu ?? null) : null;
  const limits = {
    ram: input.availableRam ?? availableRamBytes() + process.memoryUsage().rss,
    ramTotal: totalmem(),
    wasmHeap: input.backend === 'wasm' ? WASM_HEAP_BYTES : null,
    gpuMaxBuffer: gpu ? Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize) : null,
  };
  const problems: string[] = [];
  if (total > limits.ram) problems.push(`needs ${gib(total)} of RAM, ${gib(limits.ram)} is available`);
  if (limits.wasmHeap !== null && backendHeap > limits.wasmHeap)
    problems.push(`needs ${gib(backendHeap)} of WebAssembly heap, which holds at most ${gib(limits.wasmHeap)}`);
  if (limits.gpuMaxBuffer !== null && limits.gpuMaxBuffer > 0 && largestTensor > limits.gpuMaxBuffer) {
    problems.push(
      `its largest tensor is ${gib(largestTensor)}, above the WebGPU adapter's ${gib(limits.gpuMaxBuffer)} buffer limit`,
    );
  }
  return {
    params,
    batch: B,
    accumulation: input.accumulation,
    context: T,
    backend: input.backend,
    bytes: {
      weights,
      hostWeights,
      substrate,
      gradients,
      optimizer,
      activations,
      logits,
      base,
      resumed,
      total,
      backendHeap,
      largestTensor,
    },
    limits,
    problems,
    fits: problems.length === 0,
  };
}
