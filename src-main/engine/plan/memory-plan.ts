// The memory plan of a training job, computed from the config before anything is allocated: parameters
// (trainable / frozen blocks / substrate), gradients, AdamW moments, activations and logits for batch × context,
// against the backend's limits (the 32-bit WebAssembly heap, WebGPU buffer limits) and the RAM free now.
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { mlpWidth, type ModelConfig } from '../model/config';
import { headChunkRows } from '../model/head-chunk';
import { paramReportFromConfig, type ParamReport } from '../model/param-report';
import { nativeOptimAvailable } from '../model/native/optim';
import { substrateOnHost } from '../model/substrate-rows';

export const GiB = 2 ** 30;
/** tfjs-wasm keeps every tensor in one 32-bit WebAssembly memory: at most 4 GiB, whatever the machine has. */
export const WASM_HEAP_BYTES = 4 * GiB;

/**
 * Calibration against measured peak RSS (docs/scale-on-one-machine.md has the table): what Node, tfjs and the
 * wasm module hold before any model; how many d- and f-wide float rows each trained block keeps per token for
 * the backward pass; the B·H·T² attention scores, which only the block being computed holds (the fused attention
 * keeps none for the backward pass); copies of the logits (logits, softmax, gradient); and what the loaded
 * tokenizer holds per vocabulary entry (pieces, lookup trie, Hugging Face JSON: ≈ 2 KiB a token, measured at
 * 65,536 and 131,072 tokens), part of the runtime.
 */
export const CALIBRATION = {
  baseBytes: 200 * 2 ** 20,
  rowsD: 14,
  rowsF: 3,
  scoreBlocks: 1,
  logitCopies: 3,
  vocabBytesPerToken: 2048,
} as const;

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
  /**
   * `--precision f16` (webgpu only): float16 copies of the weight matrices next to the float32 masters, and
   * every linear map's saved input kept as float16.
   */
  precision?: 'f32' | 'f16';
  /** WebGPU adapter limits where known. */
  gpu?: { maxBufferSize: number; maxStorageBufferBindingSize: number } | null;
  /**
   * True when the fused head runs natively in row chunks (the wasm backend with the native matrix addon): only
   * one chunk of logits (≈ 8 MB) is live, whatever the vocabulary. Otherwise (tfjs ops, GPU) the plan counts
   * three copies of the whole [batch × context, vocab] logits.
   */
  chunkedHead?: boolean;
  /** Bytes of RAM available to the job (default: MemAvailable now, plus what this process already holds). */
  availableRam?: number;
  /** The job continues from a checkpoint (`train --resume`), which is read whole and held through the run. */
  resumed?: boolean;
  /** Whether AdamW runs in the native addon (wasm only; default: whether this process loads an addon that has it). */
  nativeOptimizer?: boolean;
}

/** Where the parts live that could sit outside the backend's memory, and what stays there and why. */
export interface Placement {
  /** AdamW's moments: in Node memory outside the wasm heap (the native step), or as backend tensors. */
  optimizer: 'native' | 'backend';
  /** The substrate table: its host matrix only (rows gathered per batch), or also a backend copy (GPU). */
  substrate: 'host' | 'host+backend';
  /** On wasm: one line per part that stays on the heap, with the reason. */
  onHeap: string[];
}

export interface MemoryPlan {
  params: ParamReport;
  batch: number;
  accumulation: number;
  context: number;
  backend: string;
  bytes: {
    /** Trainable and frozen parameters as backend tensors (float32), plus their float16 copies under f16. */
    weights: number;
    /** Of `weights` and `activations`: the float16 weight copies, less the activation bytes f16 saves. */
    halfStorage: number;
    /**
     * The parameters' host copy: a checkpoint or model folder reads every parameter to the host at once (the reads
     * are awaited together, as WebGPU needs) before writing them tensor by tensor; so does a growth stage before
     * it stacks new blocks.
     */
    hostWeights: number;
    /** The substrate table: its host matrix, plus a backend copy on GPU backends. */
    substrate: number;
    gradients: number;
    /** AdamW's two moments, plus their copy while a checkpoint is written (outside the wasm heap with the native step). */
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
  placement: Placement;
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
  const half = input.precision === 'f16' && input.backend === 'webgpu';
  // f16 keeps a packed float16 copy (2 bytes) of each matrix a linear map reads: the blocks', the head's and
  // the input projection's (the substrate table is gathered, not multiplied).
  const proj = cfg.inputProjection === 'frozen-random' ? cfg.substrateDim * d : 0;
  const matrices = cfg.layers * (4 * d * d + 2 * d * f) + d * cfg.vocabSize + proj;
  const halfCopies = half ? 2 * matrices : 0;
  // The parameters' host copy (float32) at checkpoints and before a growth stage stacks new blocks.
  const hostWeights = 4 * (params.total - frozenTable);
  const weights = hostWeights + halfCopies;
  const onHost = substrateOnHost(input.backend);
  const substrateOnBackend = onHost ? 0 : 4 * table;
  const substrate = 4 * table + substrateOnBackend;
  const gradients = 4 * params.trainable * (input.accumulation > 1 ? 2 : 1);
  const moments = 2 * 4 * params.trainable;
  const optimizer = moments * 2;
  const trained = cfg.layers - frozenBlocks;
  // Blocks in the gradient tape keep their rows; a frozen prefix runs forward only (one block's rows at a time).
  // Under f16 the inputs of a block's four linear maps (norm1 and attention outputs, norm2 output: d wide; the
  // GELU output: f wide) are saved as float16, 2 bytes fewer each per token.
  const halfSaved = half ? 2 * B * T * (3 * d + f) : 0;
  const perBlock = 4 * B * T * (c.rowsD * d + c.rowsF * f) - halfSaved;
  const activations =
    perBlock * (Math.max(trained, 0) + (frozenBlocks > 0 ? 1 : 0)) + 4 * c.scoreBlocks * B * cfg.heads * T * T;
  const halfStorage = halfCopies - halfSaved * Math.max(trained, 0);
  // Chunked: one [rows, V] buffer holds logits, softmax and gradient in turn, plus a probability per position.
  const logits = input.chunkedHead
    ? 4 * (headChunkRows(B * T, cfg.vocabSize) * cfg.vocabSize + B * T)
    : 4 * c.logitCopies * B * T * cfg.vocabSize;
  const base = c.baseBytes + c.vocabBytesPerToken * cfg.vocabSize;
  const resumed = input.resumed === true ? hostWeights + moments : 0;
  const total = base + weights + hostWeights + substrate + gradients + optimizer + activations + logits + resumed;
  const nativeOptimizer = input.backend === 'wasm' && (input.nativeOptimizer ?? nativeOptimAvailable());
  const backendHeap = weights + substrateOnBackend + gradients + (nativeOptimizer ? 0 : moments) + activations + logits;
  const placement: Placement = {
    optimizer: nativeOptimizer ? 'native' : 'backend',
    substrate: onHost ? 'host' : 'host+backend',
    onHeap:
      input.backend === 'wasm'
        ? [
            `weights (frozen blocks' included) and gradients: tfjs-wasm's ops and the native kernels read every operand from the one heap`,
            'activations and logits: the gradient tape keeps them as tfjs tensors until the backward pass',
            ...(nativeOptimizer
              ? []
              : [
                  'AdamW moments: the native addon (which keeps them outside) is not available, so the wasm kernel holds them',
                ]),
          ]
        : [],
  };
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
      halfStorage,
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
    placement,
    limits,
    problems,
    fits: problems.length === 0,
  };
}
