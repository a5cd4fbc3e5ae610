// The plan's logits term follows the head the job will run: with the native chunked head (wasm + the matrix addon)
// one [rows, vocab] chunk of HEAD_CHUNK_FLOATS is live, not three copies of [batch × context, vocab]; and the
// runtime grows with the vocabulary (the loaded tokenizer), measured at 65,536 and 131,072 tokens.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../model/config';
import { HEAD_CHUNK_FLOATS, headChunkRows } from '../model/head-chunk';
import { CALIBRATION, memoryPlan } from './index';

const config = resolveConfig({ vocabSize: 65_536, layers: 1, dModel: 64, heads: 2, contextLength: 128 });
const input = { config, batch: 16, accumulation: 1, backend: 'wasm', availableRam: 64 * 2 ** 30 };

describe('the logits term at a 65,536-token vocabulary', () => {
  it('chunked head: one chunk of 32 rows (8 MiB) plus a probability per position', () => {
    const p = memoryPlan({ ...input, chunkedHead: true });
    expect(headChunkRows(16 * 128, 65_536)).toBe(32);
    expect(p.bytes.logits).toBe(4 * (32 * 65_536 + 16 * 128));
    expect(p.bytes.logits).toBeLessThanOrEqual(4 * HEAD_CHUNK_FLOATS + 4 * 16 * 128);
  });

  it('unchunked (tfjs ops, GPU): three copies of the whole logits', () => {
    const p = memoryPlan({ ...input, chunkedHead: false });
    expect(p.bytes.logits).toBe(4 * CALIBRATION.logitCopies * 16 * 128 * 65_536);
  });

  it('a vocabulary wider than a chunk still gets one row at a time', () => {
    expect(headChunkRows(100, HEAD_CHUNK_FLOATS * 2)).toBe(1);
    expect(headChunkRows(3, 10)).toBe(3);
  });

  it('the runtime counts the loaded tokenizer, ~2 KiB a token', () => {
    const small = memoryPlan({ ...input, config: { ...config, vocabSize: 1000 } });
    const large = memoryPlan(input);
    expect(large.bytes.base - small.bytes.base).toBe(CALIBRATION.vocabBytesPerToken * (65_536 - 1000));
  });
});
