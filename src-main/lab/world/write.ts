// Writes a generated world to a folder — one file per artefact plus manifest.json with sizes and
// SHA-256s — using atomic writes, so an interrupted run never leaves a half-written file.
import { join } from 'node:path';
import { writeFileAtomic } from '../../engine/util/atomic';
import { sha256Hex } from '../../engine/util/hash';
import { CORPUS_NAMES, type World, type WorldScale, type WorldSizes, type WorldStats } from './generate';
import { LANGS } from './types';

export interface WorldFile {
  name: string;
  description: string;
  content: string;
}

export interface WorldManifest {
  format: 'espalier-world';
  version: 1;
  seed: number;
  scale: WorldScale;
  sizes: WorldSizes;
  /** SHA-256 over the names and hashes of all files: one id for the whole world. */
  id: string;
  files: { name: string; description: string; bytes: number; sha256: string }[];
  stats: WorldStats;
}

/** The files of a world, in a fixed order (the manifest and the world id depend on it). */
export function worldFiles(world: World): WorldFile[] {
  const files: WorldFile[] = [];
  for (const name of CORPUS_NAMES) {
    const other = name === 'en-ru' ? 'Russian' : 'Chinese';
    files.push({
      name: `${name}.train.txt`,
      description: `training corpus, English and ${other}`,
      content: world.corpora[name].train,
    });
    files.push({
      name: `${name}.val.txt`,
      description: `held-out corpus, English and ${other} (people absent from training)`,
      content: world.corpora[name].heldOut,
    });
  }
  for (const lang of LANGS) {
    files.push({
      name: `qa.${lang}.json`,
      description: `reading comprehension, SQuAD v2 layout, ${lang}`,
      content: `${JSON.stringify(world.qa[lang], null, 1)}\n`,
    });
  }
  files.push({
    name: 'mc.csv',
    description: 'multiple choice, MMLU layout (question,A,B,C,D,answer; no header)',
    content: world.mcCsv,
  });
  files.push({
    name: 'mc.meta.jsonl',
    description: 'per mc.csv row: item id, fact kind, and which corpus teaches the fact',
    content:
      world.meta.mc.map((m) => JSON.stringify({ id: m.id, kind: m.kind, coverage: m.coverage })).join('\n') +
      (world.meta.mc.length ? '\n' : ''),
  });
  for (const name of CORPUS_NAMES) {
    files.push({
      name: `translate.${name}.tsv`,
      description: `translation pairs ${name} (source<TAB>reference), held-out people`,
      content: world.translations[name],
    });
  }
  return files;
}

export function worldManifest(world: World, files: WorldFile[] = worldFiles(world)): WorldManifest {
  const entries = files.map((f) => ({
    name: f.name,
    description: f.description,
    bytes: Buffer.byteLength(f.content, 'utf8'),
    sha256: sha256Hex(f.content),
  }));
  const id = sha256Hex(entries.map((e) => `${e.name}\t${e.sha256}\n`).join(''));
  return {
    format: 'espalier-world',
    version: 1,
    seed: world.seed,
    scale: world.scale,
    sizes: world.sizes,
    id,
    files: entries,
    stats: world.stats,
  };
}

/** Writes every file and then manifest.json (last, so a manifest always describes complete files). */
export function writeWorld(dir: string, world: World): WorldManifest {
  const files = worldFiles(world);
  for (const f of files) writeFileAtomic(join(dir, f.name), f.content);
  const manifest = worldManifest(world, files);
  writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
