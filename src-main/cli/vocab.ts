// Loading a vocabulary for a command: any loader error that is not already phrased for users comes out as one line
// naming the file. Shared by the commands and the train steps (cli/train), so none imports another command's file.
import { loadTokenizer, loadVocabulary, type Tokenizer } from '../engine/tokenizer/index';
import type { TokenizerLike } from '../engine/tokenizer/types';
import { UserError } from '../common/errors';

/** Loads an Espalier tokenizer.json; anything the loader did not phrase for users still comes out as one line naming the file. */
export function loadVocab(path: string): Tokenizer {
  return oneLine(path, () => loadTokenizer(path));
}

/** Loads Espalier's tokenizer.json or a foreign Hugging Face (BPE, Unigram, WordPiece) one. */
export function loadAnyVocab(path: string): TokenizerLike {
  return oneLine(path, () => loadVocabulary(path));
}

function oneLine<T>(path: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${path}: not a usable vocabulary (${(err as Error)?.message ?? String(err)})`);
  }
}
