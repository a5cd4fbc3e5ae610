// The tokenizer's public API: build from corpora, encode/decode, save/load as tokenizer.json, compression.
export type { TokenPiece, TokenizerLike } from './types';
export { Tokenizer, VocabularyError, compression } from './tokenizer';
export { buildTokenizer, type BuildOptions } from './build';
export { loadTokenizer, saveTokenizer, parseTokenizerJson, tokenizerToJson } from './hf-json';
export { readCorpusFile, withoutBom } from './corpus-file';
export { vocabularyId } from './identity';
export { BYTE_BASE, FIRST_TEXT_ID, MAX_NGRAM, SPECIAL_TEXTS, byteTokenName } from './layout';
export { ForeignTokenizer } from './foreign';
export { loadVocabulary } from './vocabulary';
export { writeHfTokenizerFiles, tokenizerConfig, tokenizerMetadata } from './hf-config';
export type { EncodingRule } from './identity';
