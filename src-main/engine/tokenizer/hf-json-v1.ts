// Reads the first tokenizer.json format (a Unigram vocabulary plus a top-level "espalier" field naming greedy
// longest match), which Hugging Face cannot load; such tokenizers keep their ids and their encoding.
import { UserError } from '../../common/errors';
import { BYTE_BASE, FIRST_TEXT_ID, MAX_NGRAM, SPECIAL_TEXTS, byteTokenName } from './layout';
import { Tokenizer, VocabularyError } from './tokenizer';
import type { TokenPiece } from './types';

export const V1_FORMAT = 'espalier-tokenizer';

/** Scores only make the Unigram vocabulary loadable; Espalier reads the rule from the "espalier" field. */
const TEXT_SCORE = -1;
const BYTE_SCORE = -1e4;

/** The format-1 text, so a tokenizer read from an old file is saved again unchanged (workspaces copy them). */
export function v1ToJson(tok: Tokenizer): string {
  const vocab = tok.pieces.map((p) => {
    if (p.kind === 'special') return [p.text, 0];
    if (p.kind === 'byte') return [byteTokenName(p.byte), BYTE_SCORE];
    return [p.text, TEXT_SCORE];
  });
  const espalier = {
    format: V1_FORMAT,
    version: 1,
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
  const obj = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TEXTS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] },
    model: { type: 'Unigram', unk_id: tok.specials.unk, vocab: '__ESPALIER_VOCAB__', byte_fallback: true },
    espalier,
  };
  const lines = vocab.map((v) => `      ${JSON.stringify(v)}`).join(',\n');
  return `${JSON.stringify(obj, null, 2).replace('"__ESPALIER_VOCAB__"', () => `[\n${lines}\n    ]`)}\n`;
}

/** Parses a format-1 document (one with an "espalier" field); `fail` names the file. */
export function parseV1(doc: Record<string, unknown>, fail: (problem: string) => UserError): Tokenizer {
  const esp = doc['espalier'];
  if (!isObject(esp) || esp['format'] !== V1_FORMAT)
    throw fail('the "espalier" field is not an Espalier tokenizer description');
  if (esp['version'] !== 1)
    throw fail(
      `unsupported espalier.version ${JSON.stringify(esp['version'])} (this build reads 1, and files without the field)`,
    );
  const enc = esp['encoding'];
  if (!isObject(enc) || enc['rule'] !== 'greedy-longest-match')
    throw fail('espalier.encoding.rule must be "greedy-longest-match"');
  const model = doc['model'];
  if (!isObject(model)) throw fail('the "model" field is missing');
  if (model['type'] !== 'Unigram') throw fail(`model.type must be "Unigram", got ${JSON.stringify(model['type'])}`);
  if (model['unk_id'] !== SPECIAL_TEXTS.indexOf('<unk>'))
    throw fail(`model.unk_id must be ${SPECIAL_TEXTS.indexOf('<unk>')}`);
  if (model['byte_fallback'] !== true) throw fail('model.byte_fallback must be true');
  const vocab = model['vocab'];
  if (!Array.isArray(vocab)) throw fail('model.vocab must be an array of [piece, score] pairs');
  const strings: string[] = [];
  for (let i = 0; i < vocab.length; i++) {
    const entry: unknown = vocab[i];
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      throw fail(`model.vocab[${i}] must be a [piece, score] pair`);
    }
    strings.push(entry[0]);
  }
  const tok = tokenizerFromStrings(strings, 'greedy-longest-match', 'model.vocab', fail);
  if (esp['id'] !== tok.id) {
    throw fail(
      `espalier.id ${JSON.stringify(esp['id'])} does not match the vocabulary (id ${tok.id}); the file was edited or damaged`,
    );
  }
  return tok;
}

/** Pieces from the token strings in id order (specials, `<0xNN>` bytes, text), checked against the layout. */
export function tokenizerFromStrings(
  strings: readonly string[],
  rule: Tokenizer['rule'],
  field: string,
  fail: (problem: string) => UserError,
): Tokenizer {
  const pieces: TokenPiece[] = [];
  for (let i = 0; i < strings.length; i++) {
    const piece = strings[i]!;
    if (i < BYTE_BASE) {
      if (piece !== SPECIAL_TEXTS[i])
        throw fail(`${field}[${i}] must be the special token ${SPECIAL_TEXTS[i]}, got ${JSON.stringify(piece)}`);
      pieces.push({ kind: 'special', text: SPECIAL_TEXTS[i]! });
    } else if (i < FIRST_TEXT_ID) {
      const b = i - BYTE_BASE;
      if (piece !== byteTokenName(b))
        throw fail(`${field}[${i}] must be the byte token ${byteTokenName(b)}, got ${JSON.stringify(piece)}`);
      pieces.push({ kind: 'byte', byte: b });
    } else {
      pieces.push({ kind: 'text', text: piece });
    }
  }
  try {
    return new Tokenizer(pieces, rule);
  } catch (err) {
    if (err instanceof VocabularyError) throw fail(`${field}: ${err.message}`);
    throw err;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
