// SHA-256 helpers for content identities (tokenizer, substrate, datasets).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { openRegularFile } from './read-capped';

export function sha256Hex(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Streams the file (bounded memory); a device or pipe behind a link is refused, never hashed forever. */
export async function sha256File(path: string, what = 'file'): Promise<string> {
  const h = createHash('sha256');
  const { fd } = openRegularFile(path, what);
  for await (const chunk of createReadStream('', { fd })) h.update(chunk as Buffer);
  return h.digest('hex');
}
