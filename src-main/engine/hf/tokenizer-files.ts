// The tokenizer half of a Hugging Face folder, behind one function so the tokenizer format can change in one place:
// tokenizer.json (the vocabulary file Espalier trains with) and tokenizer_config.json (special tokens for transformers).
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { tokenizerToJson } from '../tokenizer/hf-json';
import type { Tokenizer } from '../tokenizer/tokenizer';

export function writeTokenizerFiles(dir: string, tok: Tokenizer, contextLength: number): void {
  writeFileAtomic(join(dir, 'tokenizer.json'), tokenizerToJson(tok));
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<bos>',
    eos_token: '<eos>',
    unk_token: '<unk>',
    pad_token: '<pad>',
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: contextLength,
    espalier_tokenizer_id: tok.id,
  };
  writeFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
