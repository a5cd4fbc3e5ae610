// Loads any tokenizer.json a substrate can follow: Espalier's own (either format, exact rules), or a foreign
// Hugging Face tokenizer (encoded by Hugging Face's JS library).
import { UserError } from '../../common/errors';
import { ForeignTokenizer } from './foreign';
import { looksLikeEspalier, parseJsonDocument, parseTokenizerJson, readTextFile } from './hf-json';
import { isObject } from './hf-json-v1';
import type { Tokenizer } from './tokenizer';

/** An Espalier tokenizer, or a foreign Hugging Face one; errors are UserErrors naming the file. */
export function loadVocabulary(path: string): Tokenizer | ForeignTokenizer {
  const text = readTextFile(path);
  const doc = parseJsonDocument(text, path);
  if (looksLikeEspalier(doc)) return parseTokenizerJson(text, path);
  if (!isObject(doc['model']))
    throw new UserError(`${path}: the "model" field is missing; expected a Hugging Face tokenizer.json`);
  return new ForeignTokenizer(doc, text, (problem) => new UserError(`${path}: ${problem}`));
}
