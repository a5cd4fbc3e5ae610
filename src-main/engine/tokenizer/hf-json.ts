// Saves and loads an Espalier tokenizer as a Hugging Face tokenizer.json that HF `tokenizers` (Rust/Python) and
// `@huggingface/tokenizers` (JS) read as it is and encode to exactly Espalier's ids: a byte-fallback BPE model
// whose merges are the n-gram merges (merges.ts). The file needs no Espalier-only field: the layout and the
// merge list identify it, and metadata for people goes to tokenizer_config.json (hf-config.ts).
import { writeFileAtomic } from '../util/atomic';
import { jsonProblem, UserError } from '../../common/errors';
import { READ_LIMITS, readFileCapped } from '../util/read-capped';
import { isObject, parseV1, tokenizerFromStrings, v1ToJson } from './hf-json-v1';
import { SPECIAL_TEXTS, byteTokenName } from './layout';
import type { Tokenizer } from './tokenizer';

/** The token's string in tokenizer.json: specials and `<0xNN>` byte names, else the text. */
function tokenString(tok: Tokenizer, id: number): string {
  const p = tok.pieces[id]!;
  return p.kind === 'byte' ? byteTokenName(p.byte) : p.text;
}

function headerObject(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    // No added tokens: HF would cut text that spells "<eos>" out as the special token, and Espalier (every format)
    // encodes such text as text. The specials are ordinary vocabulary entries that no merge produces;
    // tokenizer_config.json names them for transformers (with split_special_tokens, keeping the same ids).
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: true,
      ignore_merges: false,
      vocab: '__VOCAB__',
      merges: '__MERGES__',
    },
  };
}

/**
 * The tokenizer.json text: one vocabulary entry and one merge per line so diffs stay readable. A tokenizer read
 * from a first-format file (greedy longest match) is written in that format again, keeping its meaning.
 */
export function tokenizerToJson(tok: Tokenizer): string {
  if (tok.rule === 'greedy-longest-match') return v1ToJson(tok);
  const text = JSON.stringify(headerObject(), null, 2);
  const vocab = tok.pieces.map((_, id) => `      ${JSON.stringify(tokenString(tok, id))}: ${id}`).join(',\n');
  const merges = tok
    .merges()
    .map((m) => `      ${JSON.stringify([tokenString(tok, m.left), tokenString(tok, m.right)])}`)
    .join(',\n');
  // Replacer functions: a string replacement would expand `$&`-style patterns found in pieces.
  return `${text
    .replace('"__VOCAB__"', () => (vocab ? `{\n${vocab}\n    }` : '{}'))
    .replace('"__MERGES__"', () => (merges ? `[\n${merges}\n    ]` : '[]'))}\n`;
}

/** Parses tokenizer.json text written by any Espalier version; `source` (usually the path) names the file. */
export function parseTokenizerJson(text: string, source: string): Tokenizer {
  const fail = (problem: string) => new UserError(`${source}: ${problem}`);
  const doc = parseJsonDocument(text, source);
  if ('espalier' in doc) return parseV1(doc, fail);
  const model = doc['model'];
  if (!isObject(model)) throw fail('the "model" field is missing');
  if (!looksLikeEspalier(doc)) {
    throw fail(
      `not an Espalier tokenizer (model.type ${JSON.stringify(model['type'])}; Espalier's is a BPE starting with ${SPECIAL_TEXTS.join(' ')} <0x00>…<0xFF>). ` +
        'A Hugging Face tokenizer from elsewhere can build substrates (substrate build --vocab) and encode (vocab encode); training needs one from espalier vocab build',
    );
  }
  if (model['byte_fallback'] !== true) throw fail('model.byte_fallback must be true');
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix', 'dropout'] as const) {
    if (model[key] !== null && model[key] !== undefined) throw fail(`model.${key} must be null`);
  }
  if (model['ignore_merges'] === true) throw fail('model.ignore_merges must be false');
  if (doc['normalizer'] != null || doc['pre_tokenizer'] != null)
    throw fail('an Espalier tokenizer has no normalizer and no pre_tokenizer');
  const vocab = model['vocab'];
  if (!isObject(vocab)) throw fail('model.vocab must be an object of piece: id');
  const strings: string[] = [];
  for (const [piece, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      throw fail(`model.vocab[${JSON.stringify(piece)}] must be a non-negative integer id`);
    if (strings[id as number] !== undefined) throw fail(`model.vocab: id ${String(id)} appears twice`);
    strings[id as number] = piece;
  }
  for (let i = 0; i < strings.length; i++) if (strings[i] === undefined) throw fail(`model.vocab: id ${i} is missing`);
  const tok = tokenizerFromStrings(strings, 'ngram-bpe', 'model.vocab', fail);
  checkMerges(tok, model['merges'], fail);
  return tok;
}

/** The stored merges must be exactly the derived ones: anything else would make HF's ids differ from ours. */
function checkMerges(tok: Tokenizer, merges: unknown, fail: (problem: string) => UserError): void {
  if (!Array.isArray(merges)) throw fail('model.merges must be an array');
  const expected = tok.merges();
  for (let r = 0; r < Math.max(merges.length, expected.length); r++) {
    const m: unknown = merges[r];
    const e = expected[r];
    const pair = Array.isArray(m) ? m : typeof m === 'string' ? m.split(' ') : undefined;
    const want = e && [tokenString(tok, e.left), tokenString(tok, e.right)];
    if (!want || !pair || pair.length !== 2 || pair[0] !== want[0] || pair[1] !== want[1]) {
      throw fail(
        `model.merges[${r}] is ${JSON.stringify(m ?? null)}, but the n-gram rule gives ${JSON.stringify(want ?? null)}; ` +
          'the merges were edited or come from another tokenizer (load it as a foreign vocabulary instead)',
      );
    }
  }
}

/** True when the document follows Espalier's layout (then it must parse as Espalier's, strictly). */
export function looksLikeEspalier(doc: Record<string, unknown>): boolean {
  if ('espalier' in doc) return true;
  const model = doc['model'];
  if (!isObject(model) || model['type'] !== 'BPE' || !isObject(model['vocab'])) return false;
  const vocab = model['vocab'];
  return SPECIAL_TEXTS.every((s, id) => vocab[s] === id) && vocab[byteTokenName(0)] === SPECIAL_TEXTS.length;
}

export function parseJsonDocument(text: string, source: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${source}: not valid JSON (${jsonProblem(err, text)}); expected a tokenizer.json`);
  }
  if (!isObject(doc)) throw new UserError(`${source}: expected a JSON object (a Hugging Face tokenizer.json)`);
  return doc;
}

/** Writes tokenizer.json atomically (temp file, fsync, rename). */
export function saveTokenizer(tok: Tokenizer, path: string): void {
  writeFileAtomic(path, tokenizerToJson(tok));
}

/** Reads a tokenizer.json written by saveTokenizer (either format); problems are UserErrors naming the file. */
export function loadTokenizer(path: string): Tokenizer {
  return parseTokenizerJson(readTextFile(path), path);
}

export function readTextFile(path: string): string {
  try {
    // Capped: a device file or a huge file named as a vocabulary fails at once (read-capped.ts).
    return readFileCapped(path, READ_LIMITS.vocabulary, 'vocabulary file').toString('utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${path}: ${describeReadError(err)}`);
  }
}

export function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read (${(err as Error)?.message ?? String(err)})`;
}
