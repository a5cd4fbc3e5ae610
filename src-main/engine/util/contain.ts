// Containment after links: a folder we did not write (a copied workspace, an imported Hugging Face folder) may hold
// symlinks; a file it names is accepted only if its real path stays inside the folder it belongs to.
import { readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../../common/errors';

/** Whether `p` is `root` or inside it (both already resolved). */
export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function real(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/**
 * Returns `path` when its real path (links followed) is inside `root`'s real path, or when it does not exist
 * (the reader then says "not found"); otherwise a UserError naming `path` — never the link's target, which may
 * be a host path the client must not learn. `where` names the folder in the message ("the model folder").
 */
export function realInside(root: string, path: string, what: string, where: string): string {
  const target = real(path);
  if (target === null) return path;
  const top = real(root) ?? resolve(root);
  if (!isInside(top, target))
    throw new UserError(
      `${path}: the ${what} is a link leading outside ${where}; copy the file in instead of linking to it`,
    );
  return path;
}

/**
 * Every entry under `dir` (links included, folders followed a few levels deep) must resolve inside `root`:
 * copying a folder (an export) must not carry out a file a link points at elsewhere.
 */
export function assertFolderInside(root: string, dir: string, where: string, depth = 4): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    realInside(root, p, e.isDirectory() ? 'folder' : 'file', where);
    if (e.isDirectory() && depth > 0) assertFolderInside(root, p, where, depth - 1);
  }
}
