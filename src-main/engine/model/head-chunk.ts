// How many logits the fused head (head.ts) holds at once on the CPU path, shared with the memory plan, which
// must not count the whole [N, V] logits there: a 65,536-token vocabulary's chunk is 32 rows, not batch × context.

/** Logit rows per chunk ≈ 8 MB: on wasm, 16 MB passes run at memory speed, cached ones do not. */
export const HEAD_CHUNK_FLOATS = 1 << 21;

/** Rows of logits per chunk for a vocabulary of `vocab` tokens over `n` positions (at least one row). */
export function headChunkRows(n: number, vocab: number, chunkFloats = HEAD_CHUNK_FLOATS): number {
  return Math.max(1, Math.min(n, Math.floor(chunkFloats / vocab)));
}
