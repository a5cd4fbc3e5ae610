// Counts what a workspace stores, by content: every substrate file (by id and by bytes) and every set of model
// weights (model folders and checkpoints alike, fingerprinted tensor by tensor), so tests can prove nothing is
// stored twice.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readSafetensors, readSafetensorsMetadata } from '../../src-main/engine/io';

export interface StorageCensus {
  /** Substrate files by substrate id (paths relative to the root). */
  substrates: Map<string, string[]>;
  /** Files with identical bytes (paths relative to the root), only groups of two or more. */
  duplicateFiles: string[][];
  /** Sets of model weights found in more than one file (model folders and checkpoints alike). */
  duplicateWeights: string[][];
  /** Every .safetensors file (relative). */
  files: string[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A model's weights, whatever file holds them: the sorted names and bytes of its parameters (no optimizer moments). */
function weightsFingerprint(file: string): string | null {
  const f = readSafetensors(file);
  const names = [...f.tensors.keys()].filter((n) => !n.startsWith('optimizer.') && !n.startsWith('adapter.')).sort();
  if (names.length === 0) return null;
  const h = createHash('sha256');
  for (const n of names) {
    const t = f.tensors.get(n)!;
    h.update(`${n}\n`).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest('hex');
}

export function storageCensus(root: string): StorageCensus {
  const files = walk(root).filter((p) => p.endsWith('.safetensors'));
  const substrates = new Map<string, string[]>();
  const byBytes = new Map<string, string[]>();
  const byWeights = new Map<string, string[]>();
  for (const p of files) {
    const rel = relative(root, p);
    const add = (m: Map<string, string[]>, k: string) => m.set(k, [...(m.get(k) ?? []), rel]);
    add(byBytes, sha(readFileSync(p)));
    const meta = readSafetensorsMetadata(p);
    if (meta['format'] === 'espalier-substrate') add(substrates, meta['id'] ?? '?');
    else if (meta['format'] === 'espalier-model' || meta['format'] === 'espalier-checkpoint') {
      const w = weightsFingerprint(p);
      if (w) add(byWeights, w);
    }
  }
  const dups = (m: Map<string, string[]>) => [...m.values()].filter((g) => g.length > 1);
  return {
    substrates,
    duplicateFiles: dups(byBytes),
    duplicateWeights: dups(byWeights),
    files: files.map((p) => relative(root, p)),
  };
}
