// The tokenizer: n-gram BPE (the default, exact in Hugging Face) or the first format's greedy longest match,
// both with UTF-8 byte fallback, and a decoder that is lossless on encode's output and never throws on any ids.
import { BpeEncoder } from './bpe';
import { type EncodingRule, vocabularyId } from './identity';
import { BYTE_BASE, FIRST_TEXT_ID, codePointLength, layoutProblem } from './layout';
import { type Merge, ngramMerges } from './merges';
import { CodePointTrie } from './trie';
import type { TokenizerLike, TokenPiece } from './types';
import { decodeWtf8, writeUtf8 } from './utf8';

const REPLACEMENT_CHAR = '\ufffd';

/** The vocabulary does not follow the Espalier layout (see layout.ts); loaders add the file name. */
export class VocabularyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VocabularyError';
  }
}

/**
 * Encoding rules (`rule`):
 * - 'ngram-bpe' (vocabularies built now): Hugging Face BPE over code points with the merge list that
 *   merges.ts derives from the vocabulary (see bpe.ts); Hugging Face `tokenizers` gives the same ids.
 * - 'greedy-longest-match' (the first tokenizer.json format): at each position take the longest text piece
 *   (in code points) that matches there.
 * Under both, a code point without a piece becomes the byte tokens of its UTF-8 encoding (WTF-8, i.e. 3 bytes,
 * for a lone surrogate), `<unk>` is never produced and special-token text in the input is plain text.
 *
 * Decoding rule: text pieces give their text; consecutive byte tokens are decoded together as UTF-8/WTF-8,
 * each ill-formed run becoming U+FFFD; `<pad>`, `<bos>` and `<eos>` are skipped; `<unk>` and ids outside the
 * vocabulary (negative, too large, not integers) become U+FFFD. Any non-byte token ends a byte run.
 */
export class Tokenizer implements TokenizerLike {
  readonly id: string;
  readonly size: number;
  readonly pieces: readonly TokenPiece[];
  readonly specials = { pad: 0, bos: 1, eos: 2, unk: 3 } as const;
  readonly rule: EncodingRule;
  /** Text pieces of one code point. */
  readonly monograms: number;
  /** Text pieces of two or more code points. */
  readonly ngrams: number;
  private readonly trie: CodePointTrie;
  /** Text of each text piece by id; undefined for specials and bytes. */
  private readonly texts: (string | undefined)[];
  private readonly textIds: Map<string, number>;
  private mergeList: Merge[] | undefined;
  private bpe: BpeEncoder | undefined;

  /** Throws VocabularyError when `pieces` does not follow the layout (specials, bytes, distinct texts). */
  constructor(pieces: readonly TokenPiece[], rule: EncodingRule = 'ngram-bpe') {
    this.rule = rule;
    const problem = layoutProblem(pieces);
    if (problem) throw new VocabularyError(problem);
    this.pieces = Object.freeze(pieces.map((p) => Object.freeze({ ...p })));
    this.size = pieces.length;
    this.texts = new Array<string | undefined>(pieces.length);
    this.textIds = new Map();
    const entries: { text: string; id: number }[] = [];
    let mono = 0;
    for (let id = FIRST_TEXT_ID; id < pieces.length; id++) {
      const text = (pieces[id] as { text: string }).text;
      this.texts[id] = text;
      this.textIds.set(text, id);
      entries.push({ text, id });
      if (codePointLength(text) === 1) mono++;
    }
    this.monograms = mono;
    this.ngrams = pieces.length - FIRST_TEXT_ID - mono;
    this.trie = new CodePointTrie(entries);
    this.id = vocabularyId(this.pieces, rule);
  }

  /** The BPE merge list (ranks = indices) that 'ngram-bpe' applies and tokenizer.json stores. */
  merges(): readonly Merge[] {
    this.mergeList ??= ngramMerges(this.texts);
    return this.mergeList;
  }

  /** The id of a text piece, or undefined when the text is not one piece. */
  pieceId(text: string): number | undefined {
    return this.textIds.get(text);
  }

  encode(text: string): Int32Array {
    if (this.rule === 'greedy-longest-match') return this.encodeGreedy(text);
    if (!this.bpe) {
      const chars = new Map<number, number>();
      for (let id = FIRST_TEXT_ID; id < this.size; id++) {
        const t = this.texts[id]!;
        if (codePointLength(t) === 1) chars.set(t.codePointAt(0)!, id);
      }
      this.bpe = new BpeEncoder(chars, this.merges(), this.size, BYTE_BASE);
    }
    return this.bpe.encode(text);
  }

  private encodeGreedy(text: string): Int32Array {
    const n = text.length;
    const trie = this.trie;
    const tokenAt = trie.tokenAt;
    const maxDepth = trie.maxDepth;
    // Most text needs fewer ids than UTF-16 units; grow (rarely) when byte fallback outpaces that.
    let out = new Int32Array(n + 16);
    let len = 0;
    let i = 0;
    while (i < n) {
      if (len + 4 > out.length) {
        const bigger = new Int32Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      let cp = text.charCodeAt(i);
      let w = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      let node = trie.child(0, cp);
      let best = node >= 0 ? tokenAt[node]! : -1;
      let bestEnd = i + w;
      let j = i + w;
      for (let depth = 1; node >= 0 && depth < maxDepth && j < n; depth++) {
        let c = text.charCodeAt(j);
        let cw = 1;
        if (c >= 0xd800 && c <= 0xdbff && j + 1 < n) {
          const lo = text.charCodeAt(j + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            c = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
            cw = 2;
          }
        }
        node = trie.child(node, c);
        if (node < 0) break;
        j += cw;
        const t = tokenAt[node]!;
        if (t >= 0) {
          best = t;
          bestEnd = j;
        }
      }
      if (best >= 0) {
        out[len++] = best;
        i = bestEnd;
      } else {
        len += writeUtf8(cp, out, len, BYTE_BASE);
        i += w;
      }
    }
    return out.slice(0, len);
  }

  decode(ids: ArrayLike<number>): string {
    const parts: string[] = [];
    const bytes: number[] = [];
    const texts = this.texts;
    const size = this.size;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const valid = Number.isInteger(id) && id >= 0 && id < size;
      if (valid && id >= BYTE_BASE && id < FIRST_TEXT_ID) {
        bytes.push(id - BYTE_BASE);
        continue;
      }
      if (bytes.length > 0) {
        parts.push(decodeWtf8(bytes));
        bytes.length = 0;
      }
      if (!valid) parts.push(REPLACEMENT_CHAR);
      else if (id >= FIRST_TEXT_ID) parts.push(texts[id]!);
      else if (id === this.specials.unk) parts.push(REPLACEMENT_CHAR);
      // <pad>, <bos>, <eos>: framing, not text.
    }
    if (bytes.length > 0) parts.push(decodeWtf8(bytes));
    return parts.join('');
  }
}

/** Characters (code points) per token when encoding the corpora; 0 for empty corpora. */
export function compression(tok: TokenizerLike, corpora: readonly string[]): number {
  let chars = 0;
  let tokens = 0;
  for (const c of corpora) {
    chars += codePointLength(c);
    tokens += tok.encode(c).length;
  }
  return tokens === 0 ? 0 : chars / tokens;
}
