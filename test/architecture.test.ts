// docs/architecture.md against the code: its import table is the one ESLint enforces (eslint.layers.js), every
// src-main folder is a linted layer, the layers and the engine's folders import each other without cycles, and
// every file or folder the page names exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerOf } from '../eslint.layers.js';
import { ROOT } from './helpers/cli';

const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
/** The page without its fenced drawings (their backticks would pair up with the prose's). */
const prose = doc.replace(/```[\s\S]*?```/g, '');
const ticks = (s: string): string[] => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The layer table's rows: folder → the layers its last column allows. */
function docTable(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const section = prose.slice(prose.indexOf('## Layers'), prose.indexOf('\n## ', prose.indexOf('## Layers') + 3));
  for (const line of section.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 3) continue;
    const folder = ticks(cells[0]!)[0]!.replace(/\/$/, '');
    rows.set(folder, ticks(cells.at(-1)!));
  }
  return rows;
}

/** Relative imports of the non-test .ts/.vue files under `dir`, as [from, to] paths relative to the root. */
function imports(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|vue)$/.test(name) && !/\.test\.ts$/.test(name)) {
        for (const m of readFileSync(p, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"?]+)/g)) {
          out.push([relative(ROOT, p), relative(ROOT, resolve(dirname(p), m[1]!))]);
        }
      }
    }
  };
  walk(join(ROOT, dir));
  return out;
}

/** The cycles (strongly connected groups of more than one node) of a graph. */
function cycles(edges: [string, string][]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      for (const n of next.get(stack.pop()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen;
  };
  const groups = new Map<string, string[]>();
  for (const a of next.keys()) {
    const ra = reach(a);
    if (!ra.has(a)) continue;
    const group = [...ra].filter((b) => reach(b).has(a)).sort();
    groups.set(group.join(','), group);
  }
  return [...groups.values()];
}

describe('docs/architecture.md', () => {
  it('lists exactly the import table ESLint enforces', () => {
    const table = docTable();
    const expected = new Map(Object.values(LAYERS).map((l) => [l.dir, [...l.may]]));
    expect(new Map([...table].map(([k, v]) => [k, [...v].sort()]))).toEqual(
      new Map([...expected].map(([k, v]) => [k, [...v].sort()])),
    );
  });

  it('covers every folder of src-main with a layer, so none is left unlinted', () => {
    const folders = readdirSync(join(ROOT, 'src-main')).filter((n) =>
      statSync(join(ROOT, 'src-main', n)).isDirectory(),
    );
    expect(folders.filter((f) => layerOf(`src-main/${f}`) === undefined)).toEqual([]);
  });

  it('names only files and folders that exist', () => {
    // A name counts relative to the root, src-main, or a folder that heads a table row (e.g. `test/helpers/`).
    const rowFolders = prose
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => ticks(l)[0]!);
    const bases = ['', 'src-main', ...rowFolders];
    const pathLike = ticks(prose).filter(
      (t) => /^[\w.-]+(\/[\w.-]+)*\/?$/.test(t) && (/\/$/.test(t) || /\.(ts|js|md|json)$/.test(t)),
    );
    expect(pathLike.length).toBeGreaterThan(20);
    const missing = pathLike.filter(
      (t) => !t.startsWith('WORKSPACE') && !bases.some((b) => existsSync(join(ROOT, b, t))),
    );
    expect(missing).toEqual([]);
  });

  it('draws a folder layout whose folders exist', () => {
    const layout = doc.slice(doc.indexOf('## Folder layout'));
    const fence = layout.slice(layout.indexOf('```') + 3, layout.indexOf('```', layout.indexOf('```') + 3));
    const folders = [...fence.matchAll(/^( *)([\w.-]+)\/ /gm)].map((m) =>
      m[1]!.length > 0 ? `src-main/${m[2]}` : m[2]!,
    );
    expect(folders.length).toBeGreaterThan(15);
    expect(folders.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
  });
});

describe('the import graph', () => {
  it('has no cycle between layers (product files)', () => {
    const edges = [...imports('src-main'), ...imports('src-shared')]
      .map(([a, b]): [string | undefined, string | undefined] => [layerOf(a), layerOf(b)])
      .filter((e): e is [string, string] => e[0] !== undefined && e[1] !== undefined);
    expect(edges.length).toBeGreaterThan(100);
    expect(cycles(edges)).toEqual([]);
  });

  it("has no cycle between the engine's folders", () => {
    const folder = (p: string) => p.split('/').slice(0, 3).join('/');
    const edges = imports('src-main/engine')
      .filter(([, b]) => b.startsWith('src-main/engine/'))
      .map(([a, b]) => [folder(a), folder(b)] as [string, string]);
    expect(cycles(edges)).toEqual([]);
  });
});
