// `espalier vocab build`: builds a tokenizer from corpus files and saves it as a Hugging Face tokenizer.json.
import { UserError } from '../../common/errors';
import { buildTokenizerFromFiles } from '../../engine/tokenizer/build';
import { DEFAULT_SAMPLE_CHARS } from '../../engine/tokenizer/corpus-stream';
import { compression, saveTokenizer } from '../../engine/tokenizer/index';
import { defineCommand, list, optNum, str } from '../command';

interface VocabBuildResult {
  id: string;
  size: number;
  monograms: number;
  ngrams: number;
  compression: number;
  /** Code points in the corpus, and how many the n-gram counts saw (fewer when it exceeded --sample-chars). */
  corpusChars: number;
  countedChars: number;
  sampled: boolean;
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
      description: 'how many whitespace-free n-grams to add (or give --size)',
    },
    { name: 'out', kind: 'string', metavar: 'FILE', required: true, description: 'where to write the tokenizer.json' },
    {
      name: 'size',
      kind: 'number',
      metavar: 'N',
      description:
        'the total vocabulary size instead of --ngrams (e.g. 65536, 131072); refused if the corpus is too small',
    },
    {
      name: 'sample-chars',
      kind: 'number',
      metavar: 'N',
      description: `most characters counted for n-grams, spread evenly over a larger corpus (default ${DEFAULT_SAMPLE_CHARS}; ~30 bytes of memory each)`,
    },
  ],
  async run(opts, _positionals, ctx): Promise<VocabBuildResult> {
    const size = optNum(opts, 'size');
    const given = optNum(opts, 'ngrams');
    if ((size === undefined) === (given === undefined))
      throw new UserError('give exactly one of --ngrams K or --size N');
    if (size !== undefined && (!Number.isInteger(size) || size < 1))
      throw new UserError(`option --size expects a positive integer, got ${size}`);
    const k = given ?? 0;
    if (!Number.isInteger(k) || k < 0) throw new UserError(`option --ngrams expects a non-negative integer, got ${k}`);
    const budget = optNum(opts, 'sample-chars') ?? DEFAULT_SAMPLE_CHARS;
    if (!Number.isInteger(budget) || budget < 1)
      throw new UserError(`option --sample-chars expects a positive integer, got ${budget}`);
    const files = list(opts, 'corpus');
    // Streamed: every file is read once in 1 MiB blocks (progress by bytes), then the n-grams of the counted sample.
    const t0 = performance.now();
    const { tokenizer: tok, sample } = buildTokenizerFromFiles(files, {
      ngrams: k,
      ...(size !== undefined ? { size } : {}),
      budget,
      onProgress: (done, total) => ctx.progress('vocab build: reading', done, total),
      onStage: (stage) => {
        if (stage === 'counting') ctx.progress('vocab build: counting n-grams', 0, 1);
      },
    });
    ctx.progress('vocab build: counting n-grams', 1, 1);
    ctx.progressDone();
    const t1 = performance.now();
    const ratio = compression(tok, sample.compressionText);
    if (sample.sampled)
      ctx.log(
        `the corpus has ${sample.totalChars.toLocaleString('en')} characters; n-grams were counted on ${sample.countedChars.toLocaleString('en')} of them, spread evenly (raise --sample-chars to count more)`,
      );
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
      corpusChars: sample.totalChars,
      countedChars: sample.countedChars,
      sampled: sample.sampled,
    };
  },
  human(result) {
    const r = result as VocabBuildResult;
    return [
      `id: ${r.id}`,
      `size: ${r.size} (4 special + 256 byte + ${r.monograms} characters + ${r.ngrams} n-grams)`,
      `compression: ${r.compression} characters per token`,
      `counted: ${r.countedChars} of ${r.corpusChars} characters${r.sampled ? ' (an even sample)' : ''}`,
    ].join('\n');
  },
});
