// PCA of the vocabulary's bitmaps: the glyph substrate's rows are each bitmap projected on the top `dim` components.
// Bitmaps are small non-negative integers, so the covariance is built from exact integer counts, then one division.
import { symmetricEigen } from './eigen';

export interface PcaOptions {
  dim: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface PcaResult {
  /** [rows, dim] row-major, each row L2-normalised (a row that projects to exactly zero stays zero). */
  embeddings: Float32Array;
  /** Components as rows, [dim, pixels]: orthonormal, sign-fixed (see fixSigns). */
  components: Float64Array;
  /** Variance along each kept component, descending. */
  variances: Float64Array;
  /** Fraction of the total variance the kept components explain. */
  explained: number;
  /** Components with non-negligible variance; embedding columns from here on are exactly zero. */
  rank: number;
}

/**
 * Sign rule: each component is flipped so that its entry of largest absolute value is positive; when several
 * entries tie for largest, the one with the lowest pixel index decides. Eigenvectors are defined only up to sign,
 * so without a rule an unrelated change in the solver could flip substrate columns.
 */
export function fixSigns(components: Float64Array, count: number, width: number): void {
  for (let k = 0; k < count; k++) {
    const base = k * width;
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < width; i++) {
      const v = Math.abs(components[base + i]!);
      if (v > bestAbs) {
        bestAbs = v;
        best = i;
      }
    }
    if (components[base + best]! < 0) for (let i = 0; i < width; i++) components[base + i] = -components[base + i]!;
  }
}

/** Rows [start, end) as one row-major block of (end − start) × pixels values; called for consecutive ranges. */
export type RowSource = (start: number, end: number) => Uint8Array;

/** Rows per block when PCA reads its rows from a source: memory holds one block of bitmaps, not all of them. */
export const PCA_BLOCK_ROWS = 4096;

/**
 * Runs PCA on `rows` bitmaps of `pixels` values each (non-negative integers, e.g. 0/1), stored row-major in `data`.
 * The same as pcaFromSource over blocks of `data`: see there.
 */
export function pca(data: Uint8Array, rows: number, pixels: number, opts: PcaOptions): PcaResult {
  if (data.length !== rows * pixels) throw new Error(`PCA: expected ${rows * pixels} values, got ${data.length}`);
  return pcaFromSource((start, end) => data.subarray(start * pixels, end * pixels), rows, pixels, opts);
}

/**
 * PCA over bitmaps produced block by block (e.g. rendered on demand): two passes over the rows — one to count,
 * one to project — each holding one block, so memory is the [pixels × pixels] counts plus the output, whatever
 * the vocabulary size. Rows are visited in order, so the result is the same bit for bit for any block size.
 * Covariance C = Xᵀ X / N − mean meanᵀ is computed as (N·S_ij − s_i s_j) / N², where S_ij counts co-occurring ink
 * and s_i counts ink per pixel: every term is an exact integer, so the matrix is exactly rounded and the same everywhere.
 */
export function pcaFromSource(
  source: RowSource,
  rows: number,
  pixels: number,
  opts: PcaOptions & { blockRows?: number; onRows?: (block: Uint8Array, start: number) => void },
): PcaResult {
  const { dim } = opts;
  const blockRows = opts.blockRows ?? PCA_BLOCK_ROWS;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`PCA dim must be a positive integer, got ${dim}`);
  if (dim > pixels) throw new Error(`PCA dim ${dim} exceeds the ${pixels} pixels of each bitmap`);
  if (rows < 1) throw new Error('PCA needs at least one bitmap');
  const progress = opts.onProgress ?? (() => {});
  const blocks = (fn: (data: Uint8Array, start: number, end: number) => void) => {
    for (let start = 0; start < rows; start += blockRows) {
      const end = Math.min(rows, start + blockRows);
      const data = source(start, end);
      if (data.length !== (end - start) * pixels)
        throw new Error(`PCA: rows ${start}…${end} gave ${data.length} values, expected ${(end - start) * pixels}`);
      fn(data, start, end);
    }
  };

  // Sparse rows: bitmaps are mostly background, so pair counting costs (ink pixels)² per row, not pixels².
  const sums = new Float64Array(pixels);
  const pairs = new Float64Array(pixels * pixels); // lower triangle used; exact while counts stay below 2^53
  const idx = new Uint16Array(pixels);
  blocks((data, start, end) => {
    opts.onRows?.(data, start);
    for (let r = start; r < end; r++) {
      let k = 0;
      const base = (r - start) * pixels;
      for (let i = 0; i < pixels; i++) if (data[base + i] !== 0) idx[k++] = i;
      for (let a = 0; a < k; a++) {
        const i = idx[a]!;
        const xi = data[base + i]!;
        sums[i] = sums[i]! + xi;
        const row = i * pixels;
        for (let b = 0; b <= a; b++) {
          const j = idx[b]!;
          pairs[row + j] = pairs[row + j]! + xi * data[base + j]!;
        }
      }
      if (r % 512 === 0) progress('covariance', r, rows);
    }
  });
  progress('covariance', rows, rows);

  const n2 = rows * rows;
  const cov = new Float64Array(pixels * pixels);
  for (let i = 0; i < pixels; i++) {
    for (let j = 0; j <= i; j++) {
      const c = (rows * pairs[i * pixels + j]! - sums[i]! * sums[j]!) / n2;
      cov[i * pixels + j] = c;
      cov[j * pixels + i] = c;
    }
  }

  const eig = symmetricEigen(cov, pixels, { onProgress: (d, t) => progress('eigen', d, t) });
  const components = eig.vectors.slice(0, dim * pixels);
  fixSigns(components, dim, pixels);
  const variances = eig.values.slice(0, dim);
  let total = 0;
  let kept = 0;
  for (let i = 0; i < pixels; i++) total += Math.max(0, eig.values[i]!);
  for (let i = 0; i < dim; i++) kept += Math.max(0, variances[i]!);

  // Variance at rounding level is no direction at all (e.g. at grid 32 doubled rows span at most half the pixels):
  // those columns are set to exactly zero rather than to arbitrary round-off.
  const floor = Math.max(0, eig.values[0]!) * pixels * 2.220446049250313e-16;
  let rank = 0;
  while (rank < dim && variances[rank]! > floor) rank++;

  // Loadings pixel-major so each ink pixel adds one contiguous dim-vector; the mean's projection is subtracted once.
  const load = new Float64Array(pixels * dim);
  for (let k = 0; k < rank; k++) for (let i = 0; i < pixels; i++) load[i * dim + k] = components[k * pixels + i]!;
  const meanProj = new Float64Array(dim);
  for (let i = 0; i < pixels; i++) {
    const m = sums[i]! / rows;
    if (m === 0) continue;
    for (let k = 0; k < dim; k++) meanProj[k] = meanProj[k]! + m * load[i * dim + k]!;
  }
  const embeddings = new Float32Array(rows * dim);
  const y = new Float64Array(dim);
  blocks((data, start, end) => {
    for (let r = start; r < end; r++) {
      for (let k = 0; k < dim; k++) y[k] = 0 - meanProj[k]!; // 0 − 0 is +0, so zero columns hold +0 bytes, never −0
      const base = (r - start) * pixels;
      for (let i = 0; i < pixels; i++) {
        const x = data[base + i]!;
        if (x === 0) continue;
        const lb = i * dim;
        for (let k = 0; k < dim; k++) y[k] = y[k]! + x * load[lb + k]!;
      }
      let ss = 0;
      for (let k = 0; k < dim; k++) ss += y[k]! * y[k]!;
      const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      for (let k = 0; k < dim; k++) embeddings[r * dim + k] = y[k]! * inv;
      if (r % 512 === 0) progress('projection', r, rows);
    }
  });
  progress('projection', rows, rows);
  return { embeddings, components, variances, explained: total > 0 ? kept / total : 0, rank };
}
