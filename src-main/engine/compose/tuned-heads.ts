// Tuned output heads of a merge, saved as heads.safetensors (head.0, head.1, … in the merge's expert order) with
// the tuning report as metadata — in a merge folder, or for an app merge in the workspace file its entry names;
// loading a merge puts them back into its experts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, writeSafetensors } from '../util/safetensors';
import type { CausalLM } from '../model/lm';
import { UserError } from '../../common/errors';
import { mergeHeads, type TuneReport } from './tune';

export const HEADS_FILE = 'heads.safetensors';

export interface TunedHeadsInfo extends Omit<TuneReport, 'losses'> {
  /** Where the tuning tokens came from (as the user named them). */
  data: string;
  lr: number;
  batch: number;
  context: number;
  seed: number;
  /** The held-out tokens the two losses were measured on. */
  val: string;
}

export function hasTunedHeads(dir: string): boolean {
  return existsSync(join(dir, HEADS_FILE));
}

/** Writes every expert head of `merged` (atomically) to `dir`/heads.safetensors with the report; returns the path. */
export function saveTunedHeads(dir: string, merged: CausalLM, info: TunedHeadsInfo): Promise<string> {
  return saveTunedHeadsFile(join(dir, HEADS_FILE), merged, info);
}

/** Reads the heads asynchronously (WebGPU in Node has no synchronous read), then writes them. */
export async function saveTunedHeadsFile(path: string, merged: CausalLM, info: TunedHeadsInfo): Promise<string> {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  const heads = mergeHeads(merged);
  const values = await Promise.all(heads.map((h) => h.variable.data()));
  heads.forEach((h, i) => {
    tensors[`head.${i}`] = { shape: [...h.variable.shape], data: Float32Array.from(values[i] as Float32Array) };
  });
  writeSafetensors(path, tensors, { kind: 'espalier-tuned-heads', tuning: JSON.stringify(info) });
  return path;
}

/** The tuning report saved with the heads, or null when the merge is zero-shot. */
export function readTunedHeadsInfo(dir: string): TunedHeadsInfo | null {
  if (!hasTunedHeads(dir)) return null;
  const f = readSafetensors(join(dir, HEADS_FILE));
  try {
    return JSON.parse(f.metadata['tuning'] ?? 'null') as TunedHeadsInfo | null;
  } catch {
    throw new UserError(`${join(dir, HEADS_FILE)}: metadata "tuning" is not valid JSON`);
  }
}

/** Replaces the experts' heads with the saved ones; the shapes must match the experts loaded now. */
export function applyTunedHeads(dir: string, merged: CausalLM): void {
  applyTunedHeadsFile(join(dir, HEADS_FILE), merged);
}

export function applyTunedHeadsFile(path: string, merged: CausalLM): void {
  if (!existsSync(path)) throw new UserError(`${path}: the merge's tuned heads are missing; tune the merge again`);
  const f = readSafetensors(path);
  const heads = mergeHeads(merged);
  if (f.tensors.size !== heads.length)
    throw new UserError(
      `${path}: holds ${f.tensors.size} heads but the merge has ${heads.length} experts; tune the merge again`,
    );
  heads.forEach((h, i) => {
    const t = f.tensors.get(`head.${i}`);
    if (!t || t.dtype !== 'F32') throw new UserError(`${path}: tensor "head.${i}" is missing or not F32`);
    if (t.shape.join('x') !== h.variable.shape.join('x')) {
      throw new UserError(
        `${path}: head.${i} has shape [${t.shape.join(', ')}] but expert ${i + 1}'s head is [${h.variable.shape.join(', ')}]; tune the merge again`,
      );
    }
    tf.tidy(() => h.variable.assign(tf.tensor(t.data as Float32Array, t.shape)));
  });
}
