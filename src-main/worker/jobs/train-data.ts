// Training data for 'train' (and 'grow') jobs: extracted dataset texts → one token stream → fixed windows,
// with validation from the chosen held-out texts or, without any, the fixed tail of each text (no seed).
import { makeWindows, type Windows } from '../../engine/train';
import { holdoutSplit } from '../../engine/train/holdout';
import { withoutBom, type Tokenizer } from '../../engine/tokenizer';
import { READ_LIMITS, readTextCapped } from '../../engine/util/read-capped';

/** A dataset's text (through the capped reader) without a byte-order mark, as the CLI reads corpora: the hold-out cut sees the same text. */
const readText = (file: string): string => withoutBom(readTextCapped(file, READ_LIMITS.corpus, 'dataset text'));

/** Documents are joined with <eos>, so no window pretends one file continues into the next. */
export function encodeFiles(tok: Tokenizer, files: readonly string[]): Int32Array {
  return encodeTexts(
    tok,
    files.map((f) => readText(f)),
  );
}

function encodeTexts(tok: Tokenizer, texts: readonly string[]): Int32Array {
  const parts = texts.map((t) => tok.encode(t));
  const out = new Int32Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    out[at++] = tok.specials.eos;
  }
  return out;
}

export function trainingWindows(
  tok: Tokenizer,
  train: readonly string[],
  val: readonly string[],
  context: number,
): { train: Windows; val: Windows } {
  if (val.length > 0)
    return {
      train: makeWindows(encodeFiles(tok, train), context, 'the training datasets'),
      val: makeWindows(encodeFiles(tok, val), context, 'the validation datasets'),
    };
  // Each text's last 10% (from a blank line where it has documents): the same tokens whatever the seed.
  const splits = train.map((f) => holdoutSplit(readText(f)));
  const join = (texts: string[]): Int32Array => encodeTexts(tok, texts);
  return {
    train: makeWindows(join(splits.map((s) => s.train)), context, 'the training datasets'),
    val: makeWindows(join(splits.map((s) => s.val)), context, 'the held-out tails of the training datasets'),
  };
}
