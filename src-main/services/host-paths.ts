// Which host file-system paths a client may name. Browser clients only upload (host paths refused, exports
// confined to the workspace's export folder); Electron accepts only paths its native dialog returned main-side;
// in-process callers (tests, the demo) may name any path. Destinations are checked before anything is created.
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../common/errors';

export type HostPathMode = 'refuse' | 'granted' | 'any';

/** Kernel pseudo file systems: writing there is never an export, and recursive mkdir can spin forever on /proc. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The deepest existing ancestor of `p`, resolved through symlinks (so a link into /proc is caught). */
function existingAncestor(p: string): { real: string; missing: string[] } {
  const missing: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return { real: realpathSync(cur), missing };
    } catch {
      const up = dirname(cur);
      if (up === cur) throw new UserError(`${p}: no part of this path exists`);
      missing.unshift(cur.slice(up.length + (up.endsWith(sep) ? 0 : 1)));
      cur = up;
    }
  }
}

/** `p` with its existing part resolved through links (the rest as written). */
function resolvedSpelling(p: string): string {
  const { real, missing } = existingAncestor(resolve(p));
  return join(real, ...missing);
}

/**
 * Creates `dir` one level at a time (never recursive mkdir, which loops forever on some pseudo paths):
 * refuses pseudo file systems and anything that is not a folder, naming the field.
 */
export function ensureFolder(field: string, dir: string, within?: string): string {
  const { real, missing } = existingAncestor(resolve(dir));
  // The check is on the resolved path, not the text: exports/out-link → /elsewhere must not write /elsewhere.
  if (within !== undefined && !inside(resolvedSpelling(within), join(real, ...missing)))
    throw new UserError(
      `${field}: "${relative(within, resolve(dir))}" is a link leading outside the workspace; exports go into a new folder inside its "exports" folder`,
    );
  if (PSEUDO_ROOTS.some((r) => inside(r, real)))
    throw new UserError(`${field}: ${dir} is on a system pseudo file system (${real}); choose a folder on a disk`);
  if (!lstatSync(real).isDirectory()) throw new UserError(`${field}: ${real} is a file, not a folder; choose a folder`);
  let cur = real;
  for (const part of missing) {
    cur = join(cur, part);
    try {
      mkdirSync(cur);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST' || !lstatSync(cur).isDirectory())
        throw new UserError(`${field}: cannot create folder ${cur} (${e.code ?? e.message})`);
    }
  }
  return cur;
}

export class HostPaths {
  private readonly granted = new Set<string>();

  constructor(
    readonly mode: HostPathMode,
    /** The workspace's export folder: where browser clients' exports go. */
    readonly exportsDir: string,
  ) {}

  /** Electron main calls this with what the native dialog returned; the renderer cannot. */
  grant(path: string): void {
    this.granted.add(resolve(path));
  }

  /** A host file a request names (`datasets.import` path, `fontPath`, `matrixPath`): resolved, or a UserError naming the field. */
  file(field: string, path: string): string {
    if (this.mode === 'refuse') {
      throw new UserError(
        `${field}: host file paths are not accepted from the browser; upload the file instead (or use the desktop app or the CLI)`,
      );
    }
    if (!isAbsolute(path)) throw new UserError(`${field}: give an absolute path`);
    const abs = resolve(path);
    if (this.mode === 'granted' && !this.granted.has(abs))
      throw new UserError(`${field}: choose the file with the Choose… button (the app's file dialog)`);
    return abs;
  }

  /**
   * Where `models.export` may write. Browser: a folder name inside the workspace's export folder (or a path in it).
   * Electron: a dialog-chosen folder or the export folder. In-process callers: an absolute path anywhere real.
   */
  exportFolder(field: string, dest: string): string {
    const inExports = resolve(this.exportsDir, dest);
    const confined = inside(this.exportsDir, inExports);
    if (this.mode === 'refuse' || (this.mode === 'granted' && !this.granted.has(resolve(dest)))) {
      if (!confined)
        throw new UserError(
          `${field}: exports go into the workspace's "exports" folder; give the name of a new folder inside it`,
        );
      // The export folder itself may be a link in a copied workspace: it must stay in the workspace too.
      ensureFolder(field, this.exportsDir, dirname(this.exportsDir));
      return ensureFolder(field, inExports, this.exportsDir);
    }
    if (!isAbsolute(dest)) throw new UserError(`${field}: give an absolute folder path`);
    return ensureFolder(field, dest);
  }
}
