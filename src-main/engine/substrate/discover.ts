// Finds GNU Unifont for the glyph substrate: an explicit path, else a system install, else an error saying how to get it.
// Search roots are injectable so tests can point discovery at temporary folders instead of the real system.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appFontDir } from '../util/app-data';
import { UserError } from '../../common/errors';

export interface FontSearch {
  /** Folders whose files are checked directly, in priority order. */
  dirs: string[];
  /** Folders searched recursively (a few levels) for unifont*.hex(.gz). */
  trees: string[];
}

/** Only the base BMP font: unifont_upper/unifont_csur hold other planes and would leave most characters boxed. */
const NAME = /^unifont(-\d+(\.\d+)*)?\.hex(\.gz)?$/i;
const MAX_DEPTH = 4;

/**
 * The usual install locations for this platform (Debian's `unifont` package, Homebrew, user/system font folders),
 * then the app's own font folder, where `espalier font install` puts the copy it fetched.
 */
export function defaultFontSearch(
  platform: NodeJS.Platform = process.platform,
  env: Record<string, string | undefined> = process.env,
): FontSearch {
  const home = env['HOME'] ?? env['USERPROFILE'];
  if (platform === 'win32') {
    const dirs: string[] = [];
    if (env['LOCALAPPDATA'])
      dirs.push(join(env['LOCALAPPDATA'], 'Microsoft', 'Windows', 'Fonts'), join(env['LOCALAPPDATA'], 'unifont'));
    if (env['WINDIR']) dirs.push(join(env['WINDIR'], 'Fonts'));
    dirs.push(appFontDir(platform, env));
    return { dirs, trees: [] };
  }
  if (platform === 'darwin') {
    const prefixes = ['/opt/homebrew', '/usr/local', '/opt/local'];
    const dirs = prefixes.map((p) => `${p}/share/unifont`);
    const trees = [...prefixes.map((p) => `${p}/share/fonts`), '/Library/Fonts'];
    if (home) trees.push(join(home, 'Library', 'Fonts'));
    dirs.push(appFontDir(platform, env));
    return { dirs, trees };
  }
  const dataHome = env['XDG_DATA_HOME'] ?? (home ? join(home, '.local', 'share') : undefined);
  const dirs = ['/usr/share/unifont', '/usr/local/share/unifont'];
  const trees = ['/usr/share/fonts', '/usr/local/share/fonts'];
  if (dataHome) {
    dirs.push(join(dataHome, 'unifont'));
    trees.push(join(dataHome, 'fonts'));
  }
  if (home) trees.push(join(home, '.fonts'));
  dirs.push(appFontDir(platform, env));
  return { dirs, trees };
}

/**
 * Orders candidates within one folder: plain unifont.hex first (no decompression), then unifont.hex.gz,
 * then versioned files newest first; the order is fixed so the same machine always picks the same font.
 */
function rank(names: string[]): string[] {
  const version = (n: string): number[] | null => {
    const v = /^unifont-([\d.]+)\.hex/i.exec(n)?.[1];
    return v === undefined ? null : v.split('.').map(Number);
  };
  return names
    .filter((n) => NAME.test(n))
    .sort((a, b) => {
      const va = version(a);
      const vb = version(b);
      if (va === null && vb !== null) return -1;
      if (vb === null && va !== null) return 1;
      for (let i = 0; va && vb && i < Math.max(va.length, vb.length); i++) {
        const d = (vb[i] ?? 0) - (va[i] ?? 0);
        if (d !== 0) return d;
      }
      const ga = /\.gz$/i.test(a) ? 1 : 0;
      const gb = /\.gz$/i.test(b) ? 1 : 0;
      return ga - gb || (a < b ? -1 : a > b ? 1 : 0);
    });
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function searchTree(dir: string, depth: number): string | undefined {
  const names = listDir(dir);
  for (const n of rank(names)) if (isFile(join(dir, n))) return join(dir, n);
  if (depth >= MAX_DEPTH) return undefined;
  for (const n of names) {
    const sub = join(dir, n);
    let isDir = false;
    try {
      isDir = statSync(sub).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) {
      const found = searchTree(sub, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The first Unifont found in `search`, or undefined. */
export function findSystemUnifont(search: FontSearch = defaultFontSearch()): string | undefined {
  for (const dir of search.dirs) {
    for (const n of rank(listDir(dir))) if (isFile(join(dir, n))) return join(dir, n);
  }
  for (const tree of search.trees) {
    const found = searchTree(tree, 0);
    if (found) return found;
  }
  return undefined;
}

export const HOW_TO_GET_UNIFONT =
  "get GNU Unifont: `espalier font install` downloads and verifies it into the app's data folder " +
  '(or Debian/Ubuntu: sudo apt install unifont, which installs /usr/share/unifont/unifont.hex; ' +
  'anywhere: unifont-<version>.hex.gz from https://unifoundry.com/unifont/ or https://ftp.gnu.org/gnu/unifont/, ' +
  'passed as the .hex or .hex.gz file with --font PATH)';

/** Resolves the font path: `explicit` must exist; otherwise the system is searched; otherwise a UserError says what to do. */
export function resolveFontPath(explicit?: string, search: FontSearch = defaultFontSearch()): string {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new UserError(`${explicit}: font file not found; ${HOW_TO_GET_UNIFONT}`);
    return explicit;
  }
  const found = findSystemUnifont(search);
  if (found) return found;
  const looked = [...search.dirs, ...search.trees];
  throw new UserError(
    `no GNU Unifont .hex file found (looked in ${looked.join(', ') || 'no folders'}); ${HOW_TO_GET_UNIFONT}`,
  );
}
