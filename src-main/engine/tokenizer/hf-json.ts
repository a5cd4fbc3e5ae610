// Saves and loads a tokenizer as a Hugging Face tokenizer.json: a Unigram model with byte fallback carries the
// portable vocabulary; the exact Espalier rules (greedy longest match) sit in an extra top-level "espalier" field.
import { writeFileAtomic } from '../io/atomic';
import { UserError } from '../util/errors';
import { READ_LIMITS, readFileCapped } from '../util/read-capped';
import { BYTE_BASE, FIRST_TEXT_ID, MAX_NGRAM, SPECIAL_TEXTS, byteTokenName } from './layout';
import { Tokenizer, VocabularyError } from './tokenizer';
import type { TokenPiece } from './types';

export const ESPALIER_FORMAT = 'espalier-tokenizer';
export const ESPALIER_FORMAT_VERSION = 1;

/*
 * Why Unigram: it is the HF model that has both byte fallback (`<0xNN>` tokens) and multi-character pieces
 * without merge rules. HF would segment with Viterbi over the scores; every text piece scores -1 so HF finds a
 * fewest-pieces segmentation, which is usually but not always the greedy one. Byte tokens score far lower so
 * HF never matches their names as text. Readers that want Espalier's exact ids follow "espalier".encoding.
 */
const TEXT_SCORE = -1;
const BYTE_SCORE = -1e4;

/** The extra field; tokenizers (Rust) ignores unknown top-level keys, so the file stays loadable by HF. */
export interface EspalierField {
  format: typeof ESPALIER_FORMAT;
  version: number;
  /** Tokenizer id: SHA-256 of the ordered vocabulary (see identity.ts). Checked on load. */
  id: string;
  encoding: {
    rule: 'greedy-longest-match';
    description: string;
    maxNgram: number;
  };
  decoding: { description: string };
  monograms: number;
  ngrams: number;
}

export function tokenizerJsonObject(tok: Tokenizer): Record<string, unknown> {
  const vocab: [string, number][] = tok.pieces.map((p) => {
    if (p.kind === 'special') return [p.text, 0];
    if (p.kind === 'byte') return [byteTokenName(p.byte), BYTE_SCORE];
    return [p.text, TEXT_SCORE];
  });
  const espalier: EspalierField = {
    format: ESPALIER_FORMAT,
    version: ESPALIER_FORMAT_VERSION,
    id: tok.id,
    encoding: {
      rule: 'greedy-longest-match',
      description:
        'Scan left to right by Unicode code point; at each position emit the longest text piece that matches there ' +
        '(pieces are at most maxNgram code points). A code point that starts no piece becomes the byte tokens of its ' +
        'UTF-8 encoding (a lone surrogate: its 3-byte WTF-8 form). No normalization; special-token text is plain text; <unk> is never produced.',
      maxNgram: MAX_NGRAM,
    },
    decoding: {
      description:
        'Concatenate text pieces; decode each run of byte tokens as UTF-8 (accepting WTF-8 surrogates), one U+FFFD per ill-formed subsequence; ' +
        'skip <pad>, <bos>, <eos>; <unk> and unknown ids become U+FFFD.',
    },
    monograms: tok.monograms,
    ngrams: tok.ngrams,
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TEXTS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] },
    model: { type: 'Unigram', unk_id: tok.specials.unk, vocab, byte_fallback: true },
    espalier,
  };
}

/** The tokenizer.json text: pretty-printed, one vocabulary entry per line so diffs stay readable. */
export function tokenizerToJson(tok: Tokenizer): string {
  const obj = tokenizerJsonObject(tok);
  const model = obj['model'] as { vocab: [string, number][] };
  const vocab = model.vocab;
  const marker = '"__ESPALIER_VOCAB__"';
  const text = JSON.stringify({ ...obj, model: { ...model, vocab: '__ESPALIER_VOCAB__' } }, null, 2);
  const lines = vocab.map((v) => `      ${JSON.stringify(v)}`).join(',\n');
  // A replacer function: a string replacement would expand `$&`-style patterns found in pieces.
  return `${text.replace(marker, () => `[\n${lines}\n    ]`)}\n`;
}

/** Parses tokenizer.json text; `source` (usually the path) names the file in every error. */
export function parseTokenizerJson(text: string, source: string): Tokenizer {
  const fail = (problem: string) => new UserError(`${source}: ${problem}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // V8 quotes the offending text, newlines included; the message must stay one line.
    const detail = (err as Error).message.replace(/\s+/g, ' ').slice(0, 160);
    throw fail(`not valid JSON (${detail}); expected a tokenizer.json written by espalier vocab build`);
  }
  if (!isObject(doc)) throw fail('expected a JSON object (a Hugging Face tokenizer.json)');
  const esp = doc['espalier'];
  if (!isObject(esp) || esp['format'] !== ESPALIER_FORMAT) {
    throw fail('not an Espalier tokenizer: the "espalier" field is missing; build one with espalier vocab build');
  }
  if (esp['version'] !== ESPALIER_FORMAT_VERSION) throw fail(`unsupported espalier.version ${JSON.stringify(esp['version'])} (this build reads ${ESPALIER_FORMAT_VERSION})`);
  const enc = esp['encoding'];
  if (!isObject(enc) || enc['rule'] !== 'greedy-longest-match') throw fail('espalier.encoding.rule must be "greedy-longest-match"');
  const model = doc['model'];
  if (!isObject(model)) throw fail('the "model" field is missing');
  if (model['type'] !== 'Unigram') throw fail(`model.type must be "Unigram", got ${JSON.stringify(model['type'])}`);
  if (model['unk_id'] !== SPECIAL_TEXTS.indexOf('<unk>')) throw fail(`model.unk_id must be ${SPECIAL_TEXTS.indexOf('<unk>')}`);
  if (model['byte_fallback'] !== true) throw fail('model.byte_fallback must be true');
  const vocab = model['vocab'];
  if (!Array.isArray(vocab)) throw fail('model.vocab must be an array of [piece, score] pairs');

  const pieces: TokenPiece[] = [];
  for (let i = 0; i < vocab.length; i++) {
    const entry: unknown = vocab[i];
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      throw fail(`model.vocab[${i}] must be a [piece, score] pair`);
    }
    const piece = entry[0];
    if (i < BYTE_BASE) {
      if (piece !== SPECIAL_TEXTS[i]) throw fail(`model.vocab[${i}] must be the special token ${SPECIAL_TEXTS[i]}, got ${JSON.stringify(piece)}`);
      pieces.push({ kind: 'special', text: SPECIAL_TEXTS[i]! });
    } else if (i < FIRST_TEXT_ID) {
      const b = i - BYTE_BASE;
      if (piece !== byteTokenName(b)) throw fail(`model.vocab[${i}] must be the byte token ${byteTokenName(b)}, got ${JSON.stringify(piece)}`);
      pieces.push({ kind: 'byte', byte: b });
    } else {
      pieces.push({ kind: 'text', text: piece });
    }
  }
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(pieces);
  } catch (err) {
    if (err instanceof VocabularyError) throw fail(`model.vocab: ${err.message}`);
    throw err;
  }
  if (esp['id'] !== tok.id) {
    throw fail(`espalier.id ${JSON.stringify(esp['id'])} does not match the vocabulary (id ${tok.id}); the file was edited or damaged`);
  }
  return tok;
}

/** Writes tokenizer.json atomically (temp file, fsync, rename). */
export function saveTokenizer(tok: Tokenizer, path: string): void {
  writeFileAtomic(path, tokenizerToJson(tok));
}

/** Reads a tokenizer.json written by saveTokenizer; problems are UserErrors naming the file. */
export function loadTokenizer(path: string): Tokenizer {
  let text: string;
  try {
    text = readFileCapped(path, READ_LIMITS.vocabulary, 'vocabulary file').toString('utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${path}: ${describeReadError(err)}`);
  }
  return parseTokenizerJson(text, path);
}

export function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read (${(err as Error)?.message ?? String(err)})`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
