// Tokenizer benchmark (`npm run bench:tokenizer`): encodes ≈5 MB built from the English, Russian and Chinese test
// corpora (test/helpers/fixtures.ts) with the n-gram BPE (the current rule; cold and warm segment cache) against greedy
// longest match (the first format's trie encoder, checked against a naive reference: substring + Map lookups per
// position), and prints the ratio.
import { FIRST_TEXT_ID, Tokenizer, buildTokenizer, compression } from '../src-main/engine/tokenizer/index';
import { CORPUS_NAMES, corpusText } from '../test/helpers/fixtures';

const FILES = CORPUS_NAMES;
const TARGET_BYTES = 5_000_000;
const NGRAMS = 4000;

/** The straightforward encoder: at each position try 5, 4, 3, 2, 1 code points as substrings in a Map. */
function referenceEncode(tok: Tokenizer, text: string): Int32Array {
  const ids = new Map<string, number>();
  tok.pieces.forEach((p, id) => {
    if (p.kind === 'text') ids.set(p.text, id);
  });
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    // End offsets (UTF-16) after 1..5 code points; a surrogate pair is one code point.
    const ends: number[] = [];
    let j = i;
    while (ends.length < 5 && j < text.length) {
      const c = text.charCodeAt(j);
      const d = text.charCodeAt(j + 1);
      j += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
      ends.push(j);
    }
    let matched = false;
    for (let l = ends.length; l >= 1; l--) {
      const id = ids.get(text.slice(i, ends[l - 1]));
      if (id !== undefined) {
        out.push(id);
        i = ends[l - 1]!;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const cp = text.codePointAt(i)!;
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
    for (const b of bytes) out.push(4 + b);
    i = ends[0]!;
  }
  return Int32Array.from(out);
}

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const corpora = FILES.map((f) => corpusText(f));
const unit = corpora.join('\n');
const unitBytes = Buffer.byteLength(unit, 'utf8');
const text = Array.from({ length: Math.ceil(TARGET_BYTES / unitBytes) }, () => unit).join('\n');
const chars = [...text].length;
console.log(
  `text: ${mb(Buffer.byteLength(text, 'utf8'))} UTF-8, ${fmt(chars)} code points (the ${FILES.length} corpora repeated)`,
);

const big = timed(() => buildTokenizer([text], { ngrams: NGRAMS }));
// Counting buffers are typed arrays (≈20 bytes per code point); RSS right after shows they were released, not the peak.
console.log(
  `build on the 5 MB text (K=${NGRAMS}): ${big.seconds.toFixed(2)} s; RSS after: ${mb(process.memoryUsage().rss)}`,
);

const build = timed(() => buildTokenizer(corpora, { ngrams: NGRAMS }));
const tok = build.value;
console.log(
  `build on the corpora (K=${NGRAMS}): ${build.seconds.toFixed(2)} s, ${tok.size} tokens (${tok.size - FIRST_TEXT_ID - tok.ngrams} characters + ${tok.ngrams} n-grams)`,
);

const greedy = new Tokenizer(tok.pieces, 'greedy-longest-match');
greedy.encode(text.slice(0, 100_000)); // warm-up for the JIT
const fast = timed(() => greedy.encode(text));
const ref = timed(() => referenceEncode(greedy, text));
const same = fast.value.length === ref.value.length && fast.value.every((v, i) => v === ref.value[i]);
const dec = timed(() => tok.decode(fast.value));
// The BPE caches segments by text and the text repeats the corpora, so also time fresh encoders (empty cache,
// merge table built before the clock starts) on one copy. Best of 3 runs each: the machine is shared.
const best = <T>(fn: () => { value: T; seconds: number }) =>
  [fn(), fn(), fn()].reduce((a, b) => (b.seconds < a.seconds ? b : a));
const unitChars = [...unit].length;
const coldGreedy = best(() => timed(() => greedy.encode(unit)));
const cold = best(() => {
  const fresh = new Tokenizer(tok.pieces);
  fresh.encode('');
  return timed(() => fresh.encode(unit));
});
tok.encode(text.slice(0, 100_000));
const warmGreedy = best(() => timed(() => greedy.encode(text)));
const warm = best(() => timed(() => tok.encode(text)));
const bpeTokens = warm.value.length;

const fastRate = chars / fast.seconds;
const refRate = chars / ref.seconds;
console.log(
  `encode (greedy trie):  ${fast.seconds.toFixed(3)} s  ${fmt(fastRate)} chars/s  ${fmt(fast.value.length)} tokens`,
);
console.log(
  `encode (greedy naive): ${ref.seconds.toFixed(3)} s  ${fmt(refRate)} chars/s  ${fmt(ref.value.length)} tokens`,
);
console.log(`speed-up: ${(fastRate / refRate).toFixed(1)}x; outputs identical: ${same}`);
console.log(
  `encode (n-gram BPE, first pass over the corpora, cold cache): ${fmt(unitChars / cold.seconds)} chars/s vs greedy ${fmt(unitChars / coldGreedy.seconds)} chars/s: ${(coldGreedy.seconds / cold.seconds).toFixed(2)}x of greedy's speed`,
);
console.log(
  `encode (n-gram BPE, whole text):  ${warm.seconds.toFixed(3)} s  ${fmt(chars / warm.seconds)} chars/s  ${fmt(bpeTokens)} tokens vs greedy ${fmt(chars / warmGreedy.seconds)} chars/s: ${(warmGreedy.seconds / warm.seconds).toFixed(2)}x of greedy's speed`,
);
console.log(
  `decode: ${dec.seconds.toFixed(3)} s  ${fmt(chars / dec.seconds)} chars/s; lossless: ${dec.value === text}`,
);
console.log(
  `compression: ${compression(tok, corpora).toFixed(3)} characters per token on the corpora (n-gram BPE), ${compression(greedy, corpora).toFixed(3)} (greedy)`,
);
if (!same || dec.value !== text) process.exitCode = 1;
