// espalier.json beside a Hugging Face folder's files: what transformers has no field for (the substrate's kind and
// id, the tokenizer id, frozen tiers, growth history), so an import restores the model's identity exactly.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SubstrateMeta } from '../substrate/format';
import { UserError } from '../../common/errors';
import { readJsonCapped } from '../util/read-capped';

export const SIDECAR_FILE = 'espalier.json';
export const SIDECAR_FORMAT = 'espalier-hf';
export const SIDECAR_VERSION = 1;

/** One tier of growth, in whichever program trained it (Espalier, or scale/grow.py on a cluster). */
export interface GrowthEntry {
  depth: number;
  steps?: number;
  valLoss?: number | null;
  trainer: string;
  [k: string]: unknown;
}

export interface Sidecar {
  format: typeof SIDECAR_FORMAT;
  version: number;
  /** The substrate the exported table was (or was folded from): its full metadata, id included. */
  substrate: SubstrateMeta;
  /** How the exported embedding relates to that substrate: 'substrate' (the rows themselves) or 'folded'. */
  embedding: 'substrate' | 'folded';
  tokenizerId: string;
  /** Espalier names of the parameters that were frozen. */
  frozen: string[];
  growth: GrowthEntry[];
  /** The source folder's training provenance. */
  training?: Record<string, unknown>;
  exportedAt: string;
}

/** The sidecar of an HF folder, or null when there is none (a folder from elsewhere). */
export function readSidecar(dir: string): Sidecar | null {
  const path = join(dir, SIDECAR_FILE);
  if (!existsSync(path)) return null;
  const raw = readJsonCapped(path, 'espalier.json sidecar');
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>)['format'] !== SIDECAR_FORMAT) {
    throw new UserError(`${path}: field "format" must be "${SIDECAR_FORMAT}"`);
  }
  const s = raw as Sidecar;
  if (typeof s.version !== 'number' || s.version > SIDECAR_VERSION)
    throw new UserError(
      `${path}: field "version" ${String(s.version)} is newer than this Espalier reads (${SIDECAR_VERSION})`,
    );
  if (!Array.isArray(s.frozen)) s.frozen = [];
  if (!Array.isArray(s.growth)) s.growth = [];
  return s;
}
