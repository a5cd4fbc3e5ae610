// `espalier vocab build`: builds a tokenizer from corpus files and saves it as a Hugging Face tokenizer.json.
import { basename } from 'node:path';
import { UserError } from '../../common/errors';
import { buildTokenizer, compression, readCorpusFile, saveTokenizer } from '../../engine/tokenizer/index';
import { defineCommand, list, num, str } from '../command';

interface VocabBuildResult {
  id: string;
  size: number;
  monograms: number;
  ngrams: number;
  compression: number;
}

export default defineCommand({
  path: ['vocab', 'build'],
  summary: 'build a tokenizer (every code point + the K most frequent 2–5-character n-grams) from corpus files',
  options: [
    {
      name: 'corpus',
      kind: 'list',
      metavar: 'FILE',
      required: true,
      description: 'UTF-8 text file to learn from (repeat for several)',
    },
    {
      name: 'ngrams',
      kind: 'number',
      metavar: 'K',
      required: true,
      description: 'how many whitespace-free n-grams to add',
    },
    { name: 'out', kind: 'string', metavar: 'FILE', required: true, description: 'where to write the tokenizer.json' },
  ],
  async run(opts, _positionals, ctx): Promise<VocabBuildResult> {
    const k = num(opts, 'ngrams');
    if (!Number.isInteger(k) || k < 0) throw new UserError(`option --ngrams expects a non-negative integer, got ${k}`);
    const files = list(opts, 'corpus');
    // Read (and validated) first, so a bad file's error is the only line; then the two long steps.
    const corpora = files.map((f) => readCorpusFile(f));
    const steps = 2;
    ctx.progress(
      'vocab build',
      0,
      steps,
      `counting n-grams in ${corpora.reduce((a, c) => a + c.length, 0).toLocaleString('en')} characters of ${files.map((f) => basename(f)).join(', ')}`,
    );
    const t0 = performance.now();
    const tok = buildTokenizer(corpora, { ngrams: k });
    const t1 = performance.now();
    ctx.progress('vocab build', 1, steps, 'measuring compression');
    const ratio = compression(tok, corpora);
    ctx.progress('vocab build', steps, steps);
    ctx.progressDone();
    const out = str(opts, 'out');
    saveTokenizer(tok, out);
    ctx.log(
      `built ${tok.size} tokens from ${files.length} corpus file(s) in ${((t1 - t0) / 1000).toFixed(2)} s; wrote ${out}`,
    );
    return {
      id: tok.id,
      size: tok.size,
      monograms: tok.monograms,
      ngrams: tok.ngrams,
      compression: Math.round(ratio * 1e4) / 1e4,
    };
  },
  human(result) {
    const r = result as VocabBuildResult;
    return [
      `id: ${r.id}`,
      `size: ${r.size} (4 special + 256 byte + ${r.monograms} characters + ${r.ngrams} n-grams)`,
      `compression: ${r.compression} characters per token`,
    ].join('\n');
  },
});
