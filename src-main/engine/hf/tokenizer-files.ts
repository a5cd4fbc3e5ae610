// The tokenizer half of a Hugging Face folder: tokenizer.json (exact in HF tokenizers) and tokenizer_config.json
// (AutoTokenizer), written by the tokenizer's own Hugging Face writer.
import { writeHfTokenizerFiles } from '../tokenizer/hf-config';
import type { Tokenizer } from '../tokenizer/tokenizer';

export function writeTokenizerFiles(dir: string, tok: Tokenizer, contextLength: number): void {
  writeHfTokenizerFiles(dir, tok, { modelMaxLength: contextLength });
}
