// Browser clients are told no host paths: in serve mode every reply and event has the workspace folder, the app's
// data folder, the app's own folder and the home folder replaced by short names, so `models.export` answers
// "exports/x/model", not "/home/ana/ws/exports/x/model". Electron (the user's own machine) keeps full paths.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, resolve, sep } from 'node:path';

export interface HiddenRoot {
  path: string;
  /** What the folder itself is called instead. */
  name: string;
  /** What a path inside it starts with instead of `path/` ('' keeps it relative). */
  prefix: string;
}

function variants(p: string): string[] {
  const out = new Set([resolve(p)]);
  try {
    out.add(realpathSync(p));
  } catch {
    // not there (yet): its resolved spelling is enough
  }
  return [...out];
}

/** The folders hidden from browser clients, longest first (a workspace under the home folder goes first). */
export function browserRoots(workspace: string, appData: string, appRoot: string): HiddenRoot[] {
  const roots: HiddenRoot[] = [
    ...variants(workspace).map((path) => ({ path, name: basename(path), prefix: '' })),
    ...variants(appData).map((path) => ({ path, name: "Espalier's data folder", prefix: "(Espalier's data folder)/" })),
    ...variants(appRoot).map((path) => ({ path, name: "Espalier's folder", prefix: "(Espalier's folder)/" })),
    ...variants(homedir()).map((path) => ({ path, name: '~', prefix: '~/' })),
  ].filter((r) => r.path !== sep && r.path.length > 1);
  return roots.sort((a, b) => b.path.length - a.path.length);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that rewrites every string in a value (deeply) with the roots hidden. */
export function pathHider(roots: readonly HiddenRoot[]): <T>(value: T) => T {
  if (roots.length === 0) return (v) => v;
  // One pass: the longest root that matches wins; a root counts only as a whole path segment.
  const re = new RegExp(
    `(${roots.map((r) => escapeRe(r.path)).join('|')})(?=${escapeRe(sep)}|$|[^\\w.-])(${escapeRe(sep)})?`,
    'g',
  );
  const byPath = new Map(roots.map((r) => [r.path, r]));
  const text = (s: string) =>
    s.includes(sep)
      ? s.replace(re, (_m, root: string, slash: string | undefined) => {
          const r = byPath.get(root)!;
          return slash ? r.prefix : r.name;
        })
      : s;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (depth > 64 || typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v))
      return v.some((x) => typeof x === 'string' || (typeof x === 'object' && x !== null))
        ? v.map((x) => walk(x, depth + 1))
        : v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, depth + 1);
    return out;
  };
  return <T>(value: T) => walk(value, 0) as T;
}
