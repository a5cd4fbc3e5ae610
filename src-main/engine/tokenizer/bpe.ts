// Byte-pair encoding exactly as Hugging Face tokenizers' BPE model applies a merge list (no pre-tokenizer, no
// normalizer, byte fallback), in flat typed arrays so the hot loop allocates nothing per character.
import type { Merge } from './merges';
import { writeUtf8 } from './utf8';

const EMPTY = -1;
/** Segments at least this long (in symbols) are cached by their text; shorter ones are cheaper to redo. */
const CACHE_MIN = 4;
const CACHE_MAX_LENGTH = 256;
/** Ids held by the cache before it starts over (4 MB). */
const CACHE_POOL = 1 << 20;

/**
 * The rule (HF `Word::merge_all`): split the text into code points (one without a piece becomes its UTF-8 byte
 * tokens); while some adjacent pair has a merge, apply the one of lowest rank, the leftmost among equals; repeat.
 *
 * Speed-ups that provably change nothing: a code point that is in no merge (whitespace, since n-grams never
 * contain it; byte-fallback bytes) can never join a neighbour, so the text splits there into segments that merge
 * independently — the global order interleaves their merges but each segment sees its own in the same order.
 * Segments are cached by their text, as HF caches words.
 */
export class BpeEncoder {
  private readonly bmp: Int32Array;
  private readonly astral = new Map<number, number>();
  /** Per token id: 1 when it is the left or right side of some merge. */
  private readonly joins: Uint8Array;
  private readonly keyLeft: Int32Array;
  private readonly keyRight: Int32Array;
  private readonly keyRank: Int32Array;
  private readonly mask: number;
  private readonly result: Int32Array;
  /** Segment text → offset in `pool`, where the segment's token count is followed by its ids. */
  private readonly cache = new Map<string, number>();
  private pool = new Int32Array(1024);
  private poolUsed = 0;
  // Scratch for one segment: symbols as a linked list over original positions, and a (rank, position) heap.
  private sym = new Int32Array(64);
  private prev = new Int32Array(64);
  private next = new Int32Array(64);
  private alive = new Uint8Array(64);
  private heapRank = new Int32Array(64);
  private heapPos = new Int32Array(64);

  /** `chars` maps each one-code-point piece to its id; `byteBase` is the id of byte token 0x00. */
  constructor(
    chars: ReadonlyMap<number, number>,
    merges: readonly Merge[],
    size: number,
    private readonly byteBase: number,
  ) {
    this.bmp = new Int32Array(0x10000).fill(EMPTY);
    for (const [cp, id] of chars) {
      if (cp < 0x10000) this.bmp[cp] = id;
      else this.astral.set(cp, id);
    }
    this.joins = new Uint8Array(size);
    let cap = 16;
    while (cap < merges.length * 2) cap *= 2;
    this.mask = cap - 1;
    this.keyLeft = new Int32Array(cap).fill(EMPTY);
    this.keyRight = new Int32Array(cap);
    this.keyRank = new Int32Array(cap);
    this.result = new Int32Array(merges.length);
    merges.forEach((m, rank) => {
      this.joins[m.left] = 1;
      this.joins[m.right] = 1;
      this.result[rank] = m.result;
      let h = hash(m.left, m.right) & this.mask;
      while (this.keyLeft[h] !== EMPTY) {
        // HF keeps the first rank of a repeated pair; a generated list has none, but a file might.
        if (this.keyLeft[h] === m.left && this.keyRight[h] === m.right) return;
        h = (h + 1) & this.mask;
      }
      this.keyLeft[h] = m.left;
      this.keyRight[h] = m.right;
      this.keyRank[h] = rank;
    });
  }

  /** Rank of the merge of (a, b), or -1. */
  private rankOf(a: number, b: number): number {
    const mask = this.mask;
    let h = hash(a, b) & mask;
    for (;;) {
      const l = this.keyLeft[h]!;
      if (l === EMPTY) return EMPTY;
      if (l === a && this.keyRight[h] === b) return this.keyRank[h]!;
      h = (h + 1) & mask;
    }
  }

  encode(text: string): Int32Array {
    const n = text.length;
    let out = new Int32Array(n + 16);
    let len = 0;
    let segStart = 0;
    let segLen = 0;
    let i = 0;
    while (i <= n) {
      let id = EMPTY;
      let cp = 0;
      let w = 1;
      if (i < n) {
        cp = text.charCodeAt(i);
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
          const lo = text.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
            w = 2;
          }
        }
        id = cp < 0x10000 ? this.bmp[cp]! : (this.astral.get(cp) ?? EMPTY);
        if (id !== EMPTY && this.joins[id] === 1) {
          if (segLen === 0) segStart = i;
          if (segLen === this.sym.length) this.grow();
          this.sym[segLen++] = id;
          i += w;
          continue;
        }
      }
      // A barrier (or the end): finish the pending segment, then emit the barrier itself.
      if (len + segLen + 4 > out.length) {
        const bigger = new Int32Array(Math.max(out.length * 2, len + segLen + 16));
        bigger.set(out);
        out = bigger;
      }
      if (segLen > 0) {
        len = this.flush(text, segStart, i, segLen, out, len);
        segLen = 0;
      }
      if (i === n) break;
      if (id !== EMPTY) out[len++] = id;
      else len += writeUtf8(cp, out, len, this.byteBase);
      i += w;
    }
    return out.slice(0, len);
  }

  /** Merges the segment held in `sym[0..count)` (text[start, end)) and appends its tokens to `out`. */
  private flush(text: string, start: number, end: number, count: number, out: Int32Array, at: number): number {
    const sym = this.sym;
    if (count === 1) {
      out[at] = sym[0]!;
      return at + 1;
    }
    if (count === 2) {
      const r = this.rankOf(sym[0]!, sym[1]!);
      if (r >= 0) {
        out[at] = this.result[r]!;
        return at + 1;
      }
      out[at] = sym[0]!;
      out[at + 1] = sym[1]!;
      return at + 2;
    }
    const cacheable = count >= CACHE_MIN && end - start <= CACHE_MAX_LENGTH;
    const key = cacheable ? text.slice(start, end) : '';
    if (cacheable) {
      const hit = this.cache.get(key);
      if (hit !== undefined) {
        const pool = this.pool;
        const n = pool[hit]!;
        for (let k = 0; k < n; k++) out[at + k] = pool[hit + 1 + k]!;
        return at + n;
      }
    }
    const produced = this.mergeAll(count, out, at);
    if (cacheable) this.remember(key, out, at, produced);
    return at + produced;
  }

  private remember(key: string, out: Int32Array, at: number, n: number): void {
    if (this.poolUsed + n + 1 > this.pool.length) {
      if (this.pool.length < CACHE_POOL) {
        const bigger = new Int32Array(this.pool.length * 4);
        bigger.set(this.pool);
        this.pool = bigger;
      } else {
        this.cache.clear();
        this.poolUsed = 0;
      }
    }
    const pool = this.pool;
    const off = this.poolUsed;
    pool[off] = n;
    for (let k = 0; k < n; k++) pool[off + 1 + k] = out[at + k]!;
    this.poolUsed = off + n + 1;
    this.cache.set(key, off);
  }

  /** HF's merge loop over `sym[0..count)`; writes the surviving symbols to `out` at `at`, returns how many. */
  private mergeAll(count: number, out: Int32Array, at: number): number {
    const { sym, prev, next, alive, result } = this;
    let heapSize = 0;
    for (let k = 0; k < count; k++) {
      prev[k] = k - 1;
      next[k] = k + 1 < count ? k + 1 : EMPTY;
      alive[k] = 1;
    }
    for (let k = 0; k + 1 < count; k++) {
      const r = this.rankOf(sym[k]!, sym[k + 1]!);
      if (r >= 0) heapSize = this.push(heapSize, r, k);
    }
    const hr = this.heapRank;
    const hp = this.heapPos;
    while (heapSize > 0) {
      const rank = hr[0]!;
      const pos = hp[0]!;
      heapSize = this.pop(heapSize);
      if (alive[pos] === 0) continue;
      const right = next[pos]!;
      if (right === EMPTY) continue;
      // A stale entry: the pair at pos has changed since it was queued (HF compares the merged token).
      const now = this.rankOf(sym[pos]!, sym[right]!);
      if (now < 0 || result[now] !== result[rank]) continue;
      sym[pos] = result[rank]!;
      alive[right] = 0;
      const after = next[right]!;
      next[pos] = after;
      if (after !== EMPTY) prev[after] = pos;
      const before = prev[pos]!;
      if (before !== EMPTY) {
        const r = this.rankOf(sym[before]!, sym[pos]!);
        if (r >= 0) heapSize = this.push(heapSize, r, before);
      }
      if (after !== EMPTY) {
        const r = this.rankOf(sym[pos]!, sym[after]!);
        if (r >= 0) heapSize = this.push(heapSize, r, pos);
      }
    }
    let produced = 0;
    for (let k = 0; k !== EMPTY; k = next[k]!) out[at + produced++] = sym[k]!;
    return produced;
  }

  private push(size: number, rank: number, pos: number): number {
    if (size === this.heapRank.length) {
      const r = new Int32Array(size * 2);
      r.set(this.heapRank);
      this.heapRank = r;
      const p = new Int32Array(size * 2);
      p.set(this.heapPos);
      this.heapPos = p;
    }
    const hr = this.heapRank;
    const hp = this.heapPos;
    let k = size;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      const pr = hr[parent]!;
      if (pr < rank || (pr === rank && hp[parent]! < pos)) break;
      hr[k] = pr;
      hp[k] = hp[parent]!;
      k = parent;
    }
    hr[k] = rank;
    hp[k] = pos;
    return size + 1;
  }

  private pop(size: number): number {
    const hr = this.heapRank;
    const hp = this.heapPos;
    const last = size - 1;
    const rank = hr[last]!;
    const pos = hp[last]!;
    let k = 0;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= last) break;
      if (c + 1 < last && (hr[c + 1]! < hr[c]! || (hr[c + 1] === hr[c] && hp[c + 1]! < hp[c]!))) c++;
      if (rank < hr[c]! || (rank === hr[c] && pos < hp[c]!)) break;
      hr[k] = hr[c]!;
      hp[k] = hp[c]!;
      k = c;
    }
    hr[k] = rank;
    hp[k] = pos;
    return last;
  }

  private grow(): void {
    const cap = this.sym.length * 2;
    const copy = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.sym = copy(this.sym);
    this.prev = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.alive = new Uint8Array(cap);
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 13);
}
