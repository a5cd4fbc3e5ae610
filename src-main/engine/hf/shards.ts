// Hugging Face weight files as save_pretrained writes them: one model.safetensors, or above a size threshold
// model-0000N-of-0000M.safetensors shards plus model.safetensors.index.json (metadata.total_size, weight_map).
// Reading goes tensor by tensor through open files, so neither side ever holds a whole file.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { elementsOf, DTYPE_BYTES } from '../util/safetensors-header';
import {
  openSafetensors,
  writeSafetensorsStream,
  type SafetensorsReader,
  type TensorSource,
} from '../util/safetensors';
import type { HostTensor } from '../model/init';
import { UserError } from '../../common/errors';
import { readJsonCapped } from '../util/read-capped';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';
/** Default shard size: 5 GB (transformers 4's save_pretrained default; the Hub's recommended file size). */
export const DEFAULT_MAX_SHARD_BYTES = 5e9;

const bytesOf = (s: TensorSource): number => elementsOf(s.shape) * DTYPE_BYTES[s.dtype];

/** Groups tensors (kept in the given order) into shards of at most `max` bytes; a tensor larger than `max` sits alone. */
export function planShards(tensors: Record<string, TensorSource>, max: number): string[][] {
  const shards: string[][] = [];
  let size = 0;
  for (const [name, s] of Object.entries(tensors)) {
    const n = bytesOf(s);
    if (shards.length === 0 || (size + n > max && size > 0)) {
      shards.push([]);
      size = 0;
    }
    shards[shards.length - 1]!.push(name);
    size += n;
  }
  return shards;
}

export const shardName = (i: number, count: number): string =>
  `model-${String(i + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.safetensors`;

/** Writes the weights into `dir` (one file when they fit in `maxShardBytes`); returns the file names written. */
export function writeHfWeights(
  dir: string,
  tensors: Record<string, TensorSource>,
  maxShardBytes = DEFAULT_MAX_SHARD_BYTES,
): string[] {
  if (!(maxShardBytes > 0))
    throw new UserError(`the maximum shard size must be a positive number of bytes (got ${maxShardBytes})`);
  const shards = planShards(tensors, maxShardBytes);
  if (shards.length <= 1) {
    writeSafetensorsStream(join(dir, SINGLE_FILE), tensors, { format: 'pt' });
    return [SINGLE_FILE];
  }
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  let totalParams = 0;
  const files = shards.map((names, i) => {
    const file = shardName(i, shards.length);
    const part: Record<string, TensorSource> = {};
    for (const n of names) {
      part[n] = tensors[n]!;
      weightMap[n] = file;
      totalSize += bytesOf(tensors[n]!);
      totalParams += elementsOf(tensors[n]!.shape);
    }
    writeSafetensorsStream(join(dir, file), part, { format: 'pt' });
    return file;
  });
  const index = { metadata: { total_parameters: totalParams, total_size: totalSize }, weight_map: weightMap };
  writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return [...files, INDEX_FILE];
}

/** The weights of a Hugging Face folder, open for reading tensor by tensor (close when done). */
export interface HfWeights {
  get(name: string): HostTensor | undefined;
  /** The file name errors should cite (model.safetensors or the index). */
  source: string;
  close(): void;
}

function indexShards(dir: string, index: string): string[] {
  const raw = readJsonCapped(index, 'weights index');
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map))
    throw new UserError(`${index}: field "weight_map" is missing`);
  const files = [...new Set(Object.values(map as Record<string, unknown>))].sort();
  for (const f of files) {
    // A shard is a file beside the index: no folders, no "..", nothing outside the model folder.
    if (typeof f !== 'string' || f !== basename(f) || f.startsWith('.'))
      throw new UserError(`${index}: weight_map names ${JSON.stringify(f)}, not a file in this folder`);
    if (!existsSync(join(dir, f))) throw new UserError(`${index}: shard ${f} is missing from ${dir}`);
  }
  return files as string[];
}

/**
 * Opens model.safetensors, or every shard model.safetensors.index.json lists. `admit` sees every path before it
 * is opened (the importer refuses links that leave the imported folder) and returns the path to open.
 */
export function openHfWeights(dir: string, admit: (path: string, what: string) => string = (p) => p): HfWeights {
  const single = join(dir, SINGLE_FILE);
  const index = join(dir, INDEX_FILE);
  let paths: string[];
  if (existsSync(single)) paths = [admit(single, 'weights file')];
  else if (existsSync(index))
    paths = indexShards(dir, admit(index, 'weights index')).map((f) => admit(join(dir, f), 'weights shard'));
  else throw new UserError(`${dir}: no ${SINGLE_FILE} (nor ${INDEX_FILE}); save the model with safe_serialization`);
  const readers: SafetensorsReader[] = [];
  try {
    for (const p of paths) readers.push(openSafetensors(p));
  } catch (err) {
    for (const r of readers) r.close();
    throw err;
  }
  return {
    source: paths.length === 1 ? single : index,
    get(name) {
      for (const r of readers) {
        if (!r.has(name)) continue;
        const t = r.read(name)!;
        if (!(t.data instanceof Float32Array))
          throw new UserError(
            `${r.path}: tensor "${name}" is ${t.dtype}; Espalier imports float32 weights (save with torch_dtype=torch.float32)`,
          );
        return { shape: t.shape, data: t.data };
      }
      return undefined;
    },
    close() {
      for (const r of readers) r.close();
    },
  };
}
