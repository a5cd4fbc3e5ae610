// Plain held-out text for perplexity.
import { UserError } from '../../common/errors';
import { readUtf8 } from './read-text';

export function loadText(file: string): string {
  const text = readUtf8(file);
  if (text.trim() === '') throw new UserError(`${file}: the file is empty (perplexity needs held-out text)`);
  return text;
}
