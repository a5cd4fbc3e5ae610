// A code-point trie of the text pieces held in flat typed arrays, so the encoder's hot loop allocates nothing:
// root edges of BMP code points are a direct table, all other edges live in one open-addressing hash table.

const EMPTY = -1;

export class CodePointTrie {
  /** Token id ending at each node, or -1. Node 0 is the root. */
  readonly tokenAt: Int32Array;
  /** Length in code points of the longest piece. */
  readonly maxDepth: number;
  private readonly rootBmp: Int32Array;
  private readonly edgeNode: Int32Array;
  private readonly edgeCp: Int32Array;
  private readonly edgeChild: Int32Array;
  private readonly mask: number;

  constructor(entries: readonly { text: string; id: number }[]) {
    // Build with per-node maps first (simple), then freeze into arrays (fast to query).
    const children: Map<number, number>[] = [new Map()];
    const tokens: number[] = [EMPTY];
    let maxDepth = 0;
    for (const { text, id } of entries) {
      let node = 0;
      let depth = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let next = children[node]!.get(cp);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          tokens.push(EMPTY);
          children[node]!.set(cp, next);
        }
        node = next;
        depth++;
      }
      tokens[node] = id;
      maxDepth = Math.max(maxDepth, depth);
    }
    this.tokenAt = Int32Array.from(tokens);
    this.maxDepth = maxDepth;
    this.rootBmp = new Int32Array(0x10000).fill(EMPTY);
    let edges = 0;
    for (const m of children) edges += m.size;
    let cap = 16;
    while (cap < edges * 2) cap *= 2;
    this.mask = cap - 1;
    this.edgeNode = new Int32Array(cap).fill(EMPTY);
    this.edgeCp = new Int32Array(cap);
    this.edgeChild = new Int32Array(cap);
    children.forEach((m, node) => {
      for (const [cp, child] of m) {
        if (node === 0 && cp < 0x10000) {
          this.rootBmp[cp] = child;
          continue;
        }
        let h = hash(node, cp) & this.mask;
        while (this.edgeNode[h] !== EMPTY) h = (h + 1) & this.mask;
        this.edgeNode[h] = node;
        this.edgeCp[h] = cp;
        this.edgeChild[h] = child;
      }
    });
  }

  /** The node reached from `node` by code point `cp`, or -1. */
  child(node: number, cp: number): number {
    if (node === 0 && cp < 0x10000) return this.rootBmp[cp]!;
    const mask = this.mask;
    let h = hash(node, cp) & mask;
    for (;;) {
      const n = this.edgeNode[h]!;
      if (n === EMPTY) return EMPTY;
      if (n === node && this.edgeCp[h] === cp) return this.edgeChild[h]!;
      h = (h + 1) & mask;
    }
  }
}

function hash(node: number, cp: number): number {
  let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(cp, 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 13);
}
