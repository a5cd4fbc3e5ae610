// `espalier vocab encode`: prints the ids a tokenizer.json gives for a text, so anyone can compare them with
// Hugging Face's (or any other reader's) ids for the same file.
import type { TokenizerLike } from '../../engine/tokenizer/types';
import { UserError } from '../../common/errors';
import { type ParsedOptions, bool, defineCommand, optStr, str } from '../command';
import { loadAnyVocab } from '../vocab';
import { READ_LIMITS, readFileCapped } from '../../engine/util/read-capped';

type VocabEncodeResult = { ids: number[] } | { lines: number[][] };

/** Lines as Python's str.split('\n') gives them: a final newline leaves no extra empty line, "\r" stays. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function readInput(opts: ParsedOptions): string {
  const text = optStr(opts, 'text');
  const file = optStr(opts, 'file');
  if ((text === undefined) === (file === undefined)) throw new UserError('give exactly one of --text STR and --file F');
  if (text !== undefined) return text;
  const bytes = readFileCapped(file!, READ_LIMITS.corpus, 'text file');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${file}: not UTF-8 text`);
  }
}

export default defineCommand({
  path: ['vocab', 'encode'],
  summary: 'print the token ids a tokenizer.json gives for a text (whole, or one array per line)',
  options: [
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description: "the tokenizer.json (Espalier's, or a Hugging Face one)",
    },
    { name: 'text', kind: 'string', metavar: 'STR', description: 'the text to encode' },
    { name: 'file', kind: 'string', metavar: 'F', description: 'a UTF-8 file to encode instead of --text' },
    {
      name: 'lines',
      kind: 'boolean',
      description: 'encode each line on its own (split at \\n, which is not encoded): {"lines": [[...], ...]}',
    },
  ],
  async run(opts): Promise<VocabEncodeResult> {
    const input = readInput(opts);
    const tok: TokenizerLike = loadAnyVocab(str(opts, 'vocab'));
    if (bool(opts, 'lines')) return { lines: splitLines(input).map((l) => Array.from(tok.encode(l))) };
    return { ids: Array.from(tok.encode(input)) };
  },
  human(result) {
    const r = result as VocabEncodeResult;
    return 'ids' in r ? r.ids.join(' ') : r.lines.map((l) => l.join(' ')).join('\n');
  },
});
