// A deterministic symmetric eigen-solver: Householder tridiagonalisation, then implicit QR steps with Wilkinson shifts.
// Only + − × ÷ and sqrt in a fixed order, single-threaded: IEEE-754 makes the result bit-identical on every machine.

export interface EigenResult {
  /** Eigenvalues, descending (equal values keep their order of discovery). */
  values: Float64Array;
  /** Unit eigenvectors as rows: vectors[k * n + i] is entry i of the vector for values[k]. */
  vectors: Float64Array;
}

export interface EigenOptions {
  onProgress?: (done: number, total: number) => void;
}

const EPS = 2.220446049250313e-16; // 2^-52

/**
 * Reduces symmetric A (row-major n×n, overwritten) to tridiagonal T = Qᵀ A Q.
 * Returns the diagonal d, the off-diagonal e (e[i] couples i and i+1) and Qᵀ (rows are Q's columns).
 */
function tridiagonalise(a: Float64Array, n: number, progress: (k: number) => void) {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(n - 1, 0));
  // Reflector k acts on coordinates k+1…n-1: H = I − β v vᵀ, with v stored in its own array.
  const vs: Float64Array[] = [];
  const betas = new Float64Array(Math.max(n - 2, 0));
  const p = new Float64Array(n);
  // Only the lower triangle (column ≤ row) is read and written: symmetry halves the work of the reduction.
  for (let k = 0; k + 2 < n; k++) {
    const m = n - k - 1;
    const off = k + 1;
    const v = new Float64Array(m);
    let tail2 = 0;
    for (let i = 0; i < m; i++) {
      const x = a[(off + i) * n + k]!;
      v[i] = x;
      if (i > 0) tail2 += x * x;
    }
    vs.push(v);
    // Already tridiagonal in this column: no reflection (β = 0), so zero columns cost nothing and divide by nothing.
    if (tail2 === 0) {
      betas[k] = 0;
      continue;
    }
    const norm = Math.sqrt(v[0]! * v[0]! + tail2);
    // α has the opposite sign of x₀ so v₀ = x₀ − α never cancels.
    const alpha = v[0]! >= 0 ? -norm : norm;
    v[0] = v[0]! - alpha;
    const beta = 2 / (v[0]! * v[0]! + tail2);
    betas[k] = beta;
    // Trailing block B ← H B H = B − v wᵀ − w vᵀ with p = β B v, w = p − (β vᵀp / 2) v.
    p.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const row = (off + i) * n + off;
      const vi = v[i]!;
      let s = 0;
      for (let j = 0; j < i; j++) {
        const b = a[row + j]!;
        s += b * v[j]!;
        p[j] = p[j]! + b * vi;
      }
      p[i] = p[i]! + s + a[row + i]! * vi;
    }
    let vp = 0;
    for (let i = 0; i < m; i++) {
      p[i] = beta * p[i]!;
      vp += v[i]! * p[i]!;
    }
    const kk = (beta * vp) / 2;
    for (let i = 0; i < m; i++) p[i] = p[i]! - kk * v[i]!;
    for (let i = 0; i < m; i++) {
      const row = (off + i) * n + off;
      const vi = v[i]!;
      const wi = p[i]!;
      for (let j = 0; j <= i; j++) a[row + j] = a[row + j]! - vi * p[j]! - wi * v[j]!;
    }
    a[off * n + k] = alpha;
    for (let i = 1; i < m; i++) a[(off + i) * n + k] = 0;
    progress(k);
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
  for (let i = 0; i + 1 < n; i++) e[i] = a[(i + 1) * n + i]!;

  // Q = H₀ H₁ … H_{n-3}, accumulated backwards so each reflector touches only its trailing block.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const u = new Float64Array(n);
  for (let k = vs.length - 1; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const v = vs[k]!;
    const off = k + 1;
    const m = n - off;
    u.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const vi = v[i]!;
      const row = (off + i) * n + off;
      for (let j = 0; j < m; j++) u[j] = u[j]! + vi * q[row + j]!;
    }
    for (let i = 0; i < m; i++) {
      const f = beta * v[i]!;
      const row = (off + i) * n + off;
      for (let j = 0; j < m; j++) q[row + j] = q[row + j]! - f * u[j]!;
    }
  }
  // Transpose so the QR phase rotates contiguous rows.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = q[i * n + j]!;
      q[i * n + j] = q[j * n + i]!;
      q[j * n + i] = t;
    }
  }
  return { d, e, qt: q };
}

/** One implicit QR step with a Wilkinson shift on the unreduced block lo…hi, rotating the rows of qt alongside. */
function qrStep(d: Float64Array, e: Float64Array, qt: Float64Array, n: number, lo: number, hi: number): void {
  // Wilkinson shift: the eigenvalue of the trailing 2×2 block closer to its last diagonal entry.
  const t = (d[hi - 1]! - d[hi]!) / 2;
  const b2 = e[hi - 1]! * e[hi - 1]!;
  const root = Math.sqrt(t * t + b2);
  const denom = t + (t >= 0 ? root : -root);
  const mu = denom === 0 ? d[hi]! : d[hi]! - b2 / denom;
  let x = d[lo]! - mu;
  let z = e[lo]!;
  for (let k = lo; k < hi; k++) {
    // Rotation in the (k, k+1) plane that zeroes z against x: the shifted first column, then the bulge.
    const r = Math.sqrt(x * x + z * z);
    let c = 1;
    let s = 0;
    if (r !== 0) {
      c = x / r;
      s = z / r;
    }
    if (k > lo) e[k - 1] = r;
    const dk = d[k]!;
    const dk1 = d[k + 1]!;
    const ek = e[k]!;
    const cs = c * s;
    const cc = c * c;
    const ss = s * s;
    d[k] = cc * dk + 2 * cs * ek + ss * dk1;
    d[k + 1] = ss * dk - 2 * cs * ek + cc * dk1;
    e[k] = cs * (dk1 - dk) + (cc - ss) * ek;
    if (k + 1 < hi) {
      // The rotation spills e[k+1] into a bulge two places off the diagonal; the next rotation chases it down.
      const ek1 = e[k + 1]!;
      z = s * ek1;
      e[k + 1] = c * ek1;
      x = e[k]!;
    }
    const rk = k * n;
    const rk1 = (k + 1) * n;
    for (let i = 0; i < n; i++) {
      const a = qt[rk + i]!;
      const b = qt[rk1 + i]!;
      qt[rk + i] = c * a + s * b;
      qt[rk1 + i] = c * b - s * a;
    }
  }
}

/** Eigen-decomposition of a symmetric n×n matrix (row-major; the input is left untouched). */
export function symmetricEigen(matrix: Float64Array, n: number, opts: EigenOptions = {}): EigenResult {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  // Half the work is the reduction, half the QR sweeps; report both on one scale.
  const total = 2 * n;
  const { d, e, qt } = tridiagonalise(a, n, (k) => {
    if (k % 16 === 0) opts.onProgress?.(k, total);
  });

  let anorm = 0;
  for (let i = 0; i < n; i++)
    anorm = Math.max(anorm, Math.abs(d[i]!) + (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i + 1 < n ? Math.abs(e[i]!) : 0));
  const small = EPS * anorm;
  let hi = n - 1;
  let iterations = 0;
  const maxIterations = 40 * Math.max(n, 1);
  while (hi > 0) {
    // Deflate: split wherever a coupling is negligible next to its two diagonal entries (or to the whole matrix).
    for (let i = 0; i < hi; i++) {
      const scale = Math.abs(d[i]!) + Math.abs(d[i + 1]!);
      if (Math.abs(e[i]!) <= EPS * scale || Math.abs(e[i]!) <= small * EPS) e[i] = 0;
    }
    while (hi > 0 && e[hi - 1] === 0) hi--;
    if (hi === 0) break;
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    if (++iterations > maxIterations) throw new Error(`symmetricEigen: no convergence after ${maxIterations} QR steps`);
    qrStep(d, e, qt, n, lo, hi);
    if (iterations % 8 === 0) opts.onProgress?.(2 * n - hi, total);
  }
  opts.onProgress?.(total, total);

  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => d[j]! - d[i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = d[src]!;
    vectors.set(qt.subarray(src * n, (src + 1) * n), k * n);
  });
  return { values, vectors };
}
