// The tokenizer files of a Hugging Face folder: tokenizer.json (exact, see hf-json.ts) and tokenizer_config.json,
// which makes transformers.AutoTokenizer load it as a fast tokenizer with the same ids and carries Espalier's
// metadata in a field transformers ignores.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../../common/errors';
import { saveTokenizer } from './hf-json';
import { MAX_NGRAM } from './layout';
import type { Tokenizer } from './tokenizer';

export const NGRAM_BPE_DESCRIPTION =
  'Hugging Face BPE over Unicode code points with byte fallback, no normalizer, no pre-tokenizer. Vocabulary: 4 specials, ' +
  '256 byte tokens <0xNN>, every code point seen in the corpora, then the top-K most frequent 2-' +
  String(MAX_NGRAM) +
  '-code-point ' +
  'n-grams that contain no whitespace. Merges: for every n-gram, each split into two pieces that are both in the vocabulary, ' +
  "ranked by n-gram length (longest first), then by the n-gram's code points, then by split point. Specials are never produced " +
  'from text: text spelling "<eos>" is text.';

/** Espalier's description of a tokenizer, stored under "espalier" in tokenizer_config.json. */
export function tokenizerMetadata(tok: Tokenizer): Record<string, unknown> {
  return {
    format: 'espalier-tokenizer',
    version: 2,
    id: tok.id,
    rule: tok.rule,
    description: NGRAM_BPE_DESCRIPTION,
    monograms: tok.monograms,
    ngrams: tok.ngrams,
    maxNgram: MAX_NGRAM,
  };
}

/** tokenizer_config.json for transformers (PreTrainedTokenizerFast, no BOS/EOS added, specials kept as text). */
export function tokenizerConfig(tok: Tokenizer, opts: { modelMaxLength?: number } = {}): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<bos>',
    eos_token: '<eos>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    // transformers registers the named specials as added tokens; this keeps text that spells them plain text.
    split_special_tokens: true,
    ...(opts.modelMaxLength !== undefined ? { model_max_length: opts.modelMaxLength } : {}),
    espalier: tokenizerMetadata(tok),
  };
}

/**
 * Writes `dir`/tokenizer.json and `dir`/tokenizer_config.json (atomically). Refuses first-format tokenizers
 * (greedy longest match), which no Hugging Face tokenizer reproduces exactly.
 */
export function writeHfTokenizerFiles(dir: string, tok: Tokenizer, opts: { modelMaxLength?: number } = {}): void {
  if (tok.rule !== 'ngram-bpe') {
    throw new UserError(
      `tokenizer ${tok.id.slice(0, 12)} is in the first tokenizer format (greedy longest match), which Hugging Face tokenizers cannot reproduce exactly; ` +
        'rebuild the vocabulary (espalier vocab build) and train on it to export',
    );
  }
  saveTokenizer(tok, join(dir, 'tokenizer.json'));
  writeFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig(tok, opts), null, 2)}\n`);
}
