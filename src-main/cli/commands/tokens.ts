// `espalier tokens`: tokenizes a text file once into a token file (uint16/uint32 ids + a JSON header) that
// `train --data` reads window by window; resumable, with progress.
import { resolve } from 'node:path';
import { defineCommand, str } from '../command';
import { loadVocab } from '../vocab';
import { readHeader, type TokenFileHeader } from '../../engine/tokens/token-file';
import { makeTokenFile } from '../train/token-data';

export default defineCommand({
  path: ['tokens'],
  summary:
    'tokenize a text file into a token file for `train --data` (bounded memory, progress, resumes a partial file)',
  options: [
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description: 'tokenizer.json (from `vocab build`)',
    },
    {
      name: 'data',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description: 'the UTF-8 text to tokenize (any size; the last 10% become the fixed hold-out, as `train` cuts it)',
    },
    {
      name: 'out',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description:
        'the token file to write (its header goes to FILE.json); a partial one for the same text and tokenizer is continued',
    },
  ],
  async run(opts, _positionals, ctx): Promise<TokenFileHeader> {
    const out = resolve(str(opts, 'out'));
    makeTokenFile(str(opts, 'data'), out, loadVocab(str(opts, 'vocab')), ctx);
    return readHeader(out)!;
  },
  human(result) {
    const h = result as TokenFileHeader;
    return `${h.trainTokens} training + ${h.valTokens} held-out tokens (${h.dtype}) from ${h.source.file} (${h.source.bytes} bytes, sha256 ${h.source.sha256.slice(0, 12)}…)`;
  },
});
