// A Hugging Face tokenizer.json from elsewhere (BPE, Unigram or WordPiece; e.g. the paper's bvv241 tokenizers)
// used as a vocabulary: Hugging Face's own JS library (@huggingface/tokenizers) encodes and decodes, and each
// token's readable string is what substrates render.
import { Tokenizer as HfLibraryTokenizer } from '@huggingface/tokenizers';
import { UserError } from '../../common/errors';
import { sha256Hex } from '../util/hash';
import type { TokenizerLike, TokenPiece } from './types';

const BYTE_NAME = /^<0x([0-9A-F]{2})>$/;
/** Header of the foreign id: SHA-256 over it and the file's bytes, since every field of the file shapes the ids. */
const FOREIGN_ID_HEADER = 'espalier-foreign-hf-tokenizer/1\n';
const SPECIAL_NAMES = {
  pad: ['<pad>', '[PAD]', '<|pad|>', '<|padding|>'],
  bos: ['<bos>', '<s>', '[CLS]', '<|begin_of_text|>', '<|startoftext|>', '<|bos|>'],
  eos: ['<eos>', '</s>', '[SEP]', '<|end_of_text|>', '<|endoftext|>', '<|eos|>'],
  unk: ['<unk>', '[UNK]', '<|unk|>'],
} as const;

interface HfDoc {
  model: {
    type?: unknown;
    vocab?: unknown;
    byte_fallback?: unknown;
    continuing_subword_prefix?: unknown;
    unk_id?: unknown;
    unk_token?: unknown;
  };
  added_tokens?: { id: number; content: string; special?: boolean }[];
  pre_tokenizer?: unknown;
  decoder?: unknown;
}

export class ForeignTokenizer implements TokenizerLike {
  readonly id: string;
  readonly size: number;
  readonly pieces: readonly TokenPiece[];
  /** -1 where the tokenizer has no such token (a foreign vocabulary builds substrates; training needs Espalier's). */
  readonly specials: { pad: number; bos: number; eos: number; unk: number };
  readonly modelType: 'BPE' | 'Unigram' | 'WordPiece';
  private readonly lib: HfLibraryTokenizer;

  /** `doc` is the parsed file and `text` its exact contents; `fail` names the file in errors. */
  constructor(doc: Record<string, unknown>, text: string, fail: (problem: string) => UserError) {
    const d = doc as unknown as HfDoc;
    const type = d.model?.type;
    if (type !== 'BPE' && type !== 'Unigram' && type !== 'WordPiece') {
      throw fail(`model.type ${JSON.stringify(type)} is not one Espalier reads (BPE, Unigram or WordPiece)`);
    }
    this.modelType = type;
    const strings = vocabStrings(d, fail);
    const special = new Set((d.added_tokens ?? []).filter((t) => t.special).map((t) => t.id));
    const readable = readableString(d);
    this.pieces = Object.freeze(
      strings.map((s, id): TokenPiece => {
        // Byte tokens first: trainers often list them among the special tokens.
        const byte = d.model.byte_fallback === true ? BYTE_NAME.exec(s) : null;
        if (byte) return { kind: 'byte', byte: parseInt(byte[1]!, 16) };
        if (special.has(id)) return { kind: 'special', text: s };
        return { kind: 'text', text: readable(s) };
      }),
    );
    this.size = strings.length;
    const idOf = new Map(strings.map((s, id) => [s, id]));
    const find = (names: readonly string[]) => names.map((n) => idOf.get(n)).find((id) => id !== undefined) ?? -1;
    this.specials = {
      pad: find(SPECIAL_NAMES.pad),
      bos: find(SPECIAL_NAMES.bos),
      eos: find(SPECIAL_NAMES.eos),
      unk: find(SPECIAL_NAMES.unk),
    };
    try {
      this.lib = new HfLibraryTokenizer(doc, {});
    } catch (err) {
      throw fail(`Hugging Face tokenizers (JS) cannot load it: ${(err as Error)?.message ?? String(err)}`);
    }
    this.id = sha256Hex(new TextEncoder().encode(FOREIGN_ID_HEADER + text));
  }

  encode(text: string): Int32Array {
    return Int32Array.from(this.lib.encode(text, { add_special_tokens: false }).ids);
  }

  decode(ids: ArrayLike<number>): string {
    const valid = Array.from(ids).filter((id) => Number.isInteger(id) && id >= 0 && id < this.size);
    return valid.length === 0 ? '' : this.lib.decode(valid);
  }
}

/** Token strings by id: the model's vocabulary plus added tokens, with every id from 0 to size-1 present. */
function vocabStrings(d: HfDoc, fail: (problem: string) => UserError): string[] {
  const out: string[] = [];
  const vocab = d.model.vocab;
  if (Array.isArray(vocab)) {
    vocab.forEach((entry: unknown, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string')
        throw fail(`model.vocab[${id}] must be a [piece, score] pair`);
      out[id] = entry[0];
    });
  } else if (typeof vocab === 'object' && vocab !== null) {
    for (const [s, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || (id as number) < 0)
        throw fail(`model.vocab[${JSON.stringify(s)}] must be a non-negative integer id`);
      out[id as number] = s;
    }
  } else {
    throw fail('model.vocab is missing');
  }
  for (const t of d.added_tokens ?? []) {
    if (!Number.isInteger(t.id) || t.id < 0 || typeof t.content !== 'string')
      throw fail('added_tokens entries need an integer id and a content string');
    out[t.id] = t.content;
  }
  for (let id = 0; id < out.length; id++)
    if (out[id] === undefined) throw fail(`token id ${id} is missing from model.vocab and added_tokens`);
  return out;
}

/** Maps a vocabulary string to the text it stands for: '▁' (Metaspace) is a space, byte-level letters are bytes. */
function readableString(d: HfDoc): (s: string) => string {
  const kinds = JSON.stringify([d.pre_tokenizer ?? null, d.decoder ?? null]);
  if (kinds.includes('"ByteLevel"')) {
    const byteOf = byteLevelTable();
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    return (s) => {
      const bytes: number[] = [];
      for (const ch of s) {
        const b = byteOf.get(ch);
        if (b === undefined) return s;
        bytes.push(b);
      }
      try {
        return utf8.decode(Uint8Array.from(bytes));
      } catch {
        return s; // a piece of a multi-byte character: keep the byte-level letters
      }
    };
  }
  const prefix =
    typeof d.model.continuing_subword_prefix === 'string' && d.model.type === 'WordPiece'
      ? d.model.continuing_subword_prefix
      : '';
  const metaspace = kinds.includes('"Metaspace"');
  return (s) => {
    let t = prefix && s.startsWith(prefix) && s.length > prefix.length ? s.slice(prefix.length) : s;
    if (metaspace) t = t.replaceAll('\u2581', ' ');
    return t;
  };
}

/** GPT-2's byte ↔ printable-letter table, which byte-level BPE vocabularies are written in. */
function byteLevelTable(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Map<string, number>();
  const isPrintable = new Set(printable);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (isPrintable.has(b)) map.set(String.fromCodePoint(b), b);
    else map.set(String.fromCodePoint(256 + n++), b);
  }
  return map;
}
