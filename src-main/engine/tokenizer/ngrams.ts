// Exact top-K n-gram counting over symbol sequences in memory proportional to the text, not to the number of
// distinct n-grams: level by level, counting only n-grams whose prefix and suffix can still reach the top K.

export interface NgramCount {
  /** Symbols of the n-gram, in order. */
  gram: Int32Array;
  count: number;
}

export interface NgramOptions {
  /** How many n-grams to return (fewer when fewer qualify). */
  k: number;
  minLength: number;
  maxLength: number;
  /** N-grams occurring fewer times are never returned (1 = no floor). */
  minCount: number;
}

/** Candidates of one length: each is (prefix candidate of length n-1) + (last symbol of a suffix candidate). */
interface Level {
  length: number;
  prefix: Int32Array;
  last: Int32Array;
  count: Int32Array;
}

/**
 * Returns the k most frequent n-grams of minLength..maxLength symbols, counting every (overlapping) occurrence
 * in `seq`, where -1 is a barrier no n-gram crosses (whitespace, document boundaries). Order, which also
 * breaks ties at the cut: count descending, then longer first, then symbol sequence ascending.
 *
 * Pruning (Apriori): an n-gram occurs at most as often as its (n-1)-prefix and (n-1)-suffix. T, the k-th
 * largest count among the n-grams counted so far, never exceeds the final cut, so an n-gram whose prefix or
 * suffix counts below T cannot make the top k and is never counted. The result is exact.
 */
export function topNgrams(seq: Int32Array, symbolCount: number, opts: NgramOptions): NgramCount[] {
  const { k, minLength, maxLength } = opts;
  if (k <= 0 || maxLength < 2 || seq.length < 2) return [];
  const n = seq.length;
  let ids = seq;
  let next = new Int32Array(n);
  let spare = new Int32Array(n);
  let space = symbolCount;
  let threshold = Math.max(1, opts.minCount);
  const keys = new Float64Array(n);
  const levels: Level[] = [];
  for (let len = 2; len <= maxLength; len++) {
    // Key of the n-gram at i: (id of its prefix at i, id of its suffix at i+1) in the previous level.
    let m = 0;
    for (let i = 0; i + 1 < n; i++) {
      const a = ids[i]!;
      if (a < 0) continue;
      const b = ids[i + 1]!;
      if (b < 0) continue;
      keys[m++] = a * space + b;
    }
    if (m === 0) break;
    const sorted = keys.subarray(0, m).sort();
    let distinct = 0;
    for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    const uniq = new Float64Array(distinct);
    const counts = new Int32Array(distinct);
    for (let i = 0, d = -1; i < m; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) uniq[++d] = sorted[i]!;
      counts[d]!++;
    }
    if (len >= minLength) threshold = Math.max(threshold, kthLargest(levels, counts, threshold, k, minLength));
    // Keep candidates reaching the threshold; their rank in key order is their id at this level.
    let kept = 0;
    for (let d = 0; d < distinct; d++) if (counts[d]! >= threshold) kept++;
    const level: Level = {
      length: len,
      prefix: new Int32Array(kept),
      last: new Int32Array(kept),
      count: new Int32Array(kept),
    };
    const keptKeys = new Float64Array(kept);
    const prevLast = levels.length > 0 ? levels[levels.length - 1]!.last : undefined;
    for (let d = 0, j = 0; d < distinct; d++) {
      if (counts[d]! < threshold) continue;
      const key = uniq[d]!;
      const a = Math.floor(key / space);
      const b = key - a * space;
      keptKeys[j] = key;
      level.prefix[j] = a;
      level.last[j] = prevLast ? prevLast[b]! : b;
      level.count[j] = counts[d]!;
      j++;
    }
    levels.push(level);
    if (len === maxLength || kept === 0) break;
    if (kept * kept > Number.MAX_SAFE_INTEGER)
      throw new Error(`n-gram counting: ${kept} candidates of length ${len} overflow the key space`);
    // Id of the candidate starting at each position, for the next level's keys.
    next.fill(-1);
    for (let i = 0; i + 1 < n; i++) {
      const a = ids[i]!;
      if (a < 0) continue;
      const b = ids[i + 1]!;
      if (b < 0) continue;
      next[i] = binarySearch(keptKeys, a * space + b);
    }
    ids = next;
    [next, spare] = [spare, next];
    space = kept;
  }
  return rank(levels, threshold, k, minLength);
}

/** The k-th largest count among retained candidates and this level's counts (only those ≥ floor matter). */
function kthLargest(levels: readonly Level[], counts: Int32Array, floor: number, k: number, minLength: number): number {
  const pool: number[] = [];
  for (const lv of levels) if (lv.length >= minLength) for (const c of lv.count) if (c >= floor) pool.push(c);
  for (const c of counts) if (c >= floor) pool.push(c);
  if (pool.length < k) return floor;
  const arr = Int32Array.from(pool).sort();
  return arr[arr.length - k]!;
}

function binarySearch(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v < key) lo = mid + 1;
    else if (v > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Materialises the surviving candidates and orders them (count desc, longer first, symbols ascending). */
function rank(levels: readonly Level[], threshold: number, k: number, minLength: number): NgramCount[] {
  const all: NgramCount[] = [];
  levels.forEach((lv, li) => {
    if (lv.length < minLength) return;
    for (let j = 0; j < lv.count.length; j++) {
      if (lv.count[j]! < threshold) continue;
      const gram = new Int32Array(lv.length);
      let id = j;
      for (let l = li; l >= 0; l--) {
        gram[l + 1] = levels[l]!.last[id]!;
        id = levels[l]!.prefix[id]!;
      }
      gram[0] = id;
      all.push({ gram, count: lv.count[j]! });
    }
  });
  all.sort((x, y) => y.count - x.count || y.gram.length - x.gram.length || compareSymbols(x.gram, y.gram));
  return all.slice(0, k);
}

function compareSymbols(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
