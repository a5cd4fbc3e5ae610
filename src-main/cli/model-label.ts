// How tables and JSON name a model folder: the model's own name (a recorded training.name or merge.json name,
// else the folder name), with as many parent folders as it takes to tell colliding names apart (a/stage-3, b/stage-3).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

function recordedName(dir: string): string | null {
  for (const [file, pick] of [
    ['config.json', (j: Record<string, unknown>) => (j['training'] as Record<string, unknown> | undefined)?.['name']],
    ['merge.json', (j: Record<string, unknown>) => j['name']],
  ] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    try {
      const name = pick(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
      if (typeof name === 'string' && name.trim()) return name.trim();
    } catch {
      // An unreadable file is reported by the loader; the label falls back to the folder name.
    }
  }
  return null;
}

/** The model's name: its recorded name, else its folder's. */
export function modelLabel(dir: string): string {
  return recordedName(dir) ?? basename(resolve(dir));
}

/** One label per folder, unique: colliding names get their parent folders prefixed until they differ. */
export function uniqueLabels(dirs: readonly string[]): string[] {
  const abs = dirs.map((d) => resolve(d));
  const names = dirs.map(modelLabel);
  const labels = [...names];
  for (let depth = 1; depth < 32; depth++) {
    const seen = new Map<string, number>();
    for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
    const clash = labels.map((l) => seen.get(l)! > 1);
    if (!clash.some(Boolean)) break;
    labels.forEach((_, i) => {
      if (!clash[i]) return;
      let parent = abs[i]!;
      for (let k = 0; k < depth; k++) parent = dirname(parent);
      const prefix = parent.split(sep).slice(-depth).filter(Boolean).join('/');
      labels[i] = prefix ? `${prefix}/${names[i]}` : names[i]!;
    });
  }
  return labels;
}
