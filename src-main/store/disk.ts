// Bytes on disk under a path (files and folders, links not followed): what the Catalog reports and what a
// deletion frees. Synchronous and cheap: a model folder holds a handful of files.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function diskBytes(path: string): number {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const name of readdirSync(path)) total += diskBytes(join(path, name));
  return total;
}
