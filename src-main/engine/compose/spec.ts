// A merge on disk: a folder with merge.json that references its experts (paths or catalog ids) and copies
// no weights; loading resolves each reference through a caller-given loader, and merges of merges recurse.
import { copyFileSync, existsSync } from 'node:fs';
import { readJsonCapped } from '../util/read-capped';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CausalLM } from '../model/lm';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../../common/errors';
import { MERGE_MODES, parseMergeMode, type MergeMode } from './combine';
import { MergedLM, shortId } from './merged';
import { applyTunedHeads, hasTunedHeads } from './tuned-heads';

export const MERGE_FILE = 'merge.json';

export interface MergeSpec {
  kind: 'merge';
  version: 1;
  mode: MergeMode;
  /** The effective (normalised) weights, one per expert. */
  weights: number[];
  /**
   * One reference per expert. "scheme:id" (e.g. "catalog:42") is passed to the loader unchanged; anything
   * else is a folder path, stored relative to the merge folder so that moving both together keeps it valid.
   */
  experts: string[];
  substrateId: string;
  tokenizerId: string;
  /** ISO 8601. */
  created: string;
}

/** "catalog:42" is an id; "C:\\x" (a Windows drive) and plain paths are paths. */
export function isIdRef(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref);
}

export function isMergeDir(dir: string): boolean {
  return existsSync(join(dir, MERGE_FILE));
}

/**
 * Writes `outDir/merge.json` for `merged`, whose experts came from `refs` (folders as the user gave them,
 * relative to the working directory, or ids). Copies the first expert folder's tokenizer.json, if any,
 * so `generate --model OUT` finds a tokenizer the same way as for a trained model.
 */
export function saveMerge(outDir: string, merged: MergedLM, refs: readonly string[]): MergeSpec {
  if (refs.length !== merged.experts.length)
    throw new Error(`saveMerge: ${refs.length} references for ${merged.experts.length} experts`);
  if (existsSync(join(outDir, 'model.safetensors'))) {
    throw new UserError(
      `${outDir}: holds a trained model (model.safetensors); choose an empty or new folder for the merge`,
    );
  }
  const out = resolve(outDir);
  const spec: MergeSpec = {
    kind: 'merge',
    version: 1,
    mode: merged.mode,
    weights: [...merged.weights],
    // Forward slashes on every OS, so a merge folder made on Windows loads elsewhere and vice versa.
    experts: refs.map((r) => (isIdRef(r) ? r : relative(out, resolve(r)).split(sep).join('/') || '.')),
    substrateId: merged.substrateId,
    tokenizerId: merged.tokenizerId,
    created: new Date().toISOString(),
  };
  writeFileAtomic(join(out, MERGE_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  const tok = refs
    .filter((r) => !isIdRef(r))
    .map((r) => join(resolve(r), 'tokenizer.json'))
    .find((p) => existsSync(p));
  if (tok) copyFileSync(tok, join(out, 'tokenizer.json'));
  return spec;
}

export function readMergeSpec(dir: string): MergeSpec {
  const file = join(dir, MERGE_FILE);
  let raw: unknown;
  try {
    raw = readJsonCapped(file, 'merge spec');
  } catch (err) {
    throw err instanceof UserError ? err : new UserError(`${file}: cannot read (${String(err)})`);
  }
  const o = raw as Partial<Record<keyof MergeSpec, unknown>>;
  const bad = (field: string, want: string) => new UserError(`${file}: field "${field}" ${want}`);
  if (o.kind !== 'merge') throw bad('kind', 'must be "merge"');
  if (typeof o.mode !== 'string' || !(MERGE_MODES as readonly string[]).includes(o.mode))
    throw bad('mode', `must be one of ${MERGE_MODES.join(', ')}`);
  if (!Array.isArray(o.experts) || o.experts.length < 2 || !o.experts.every((e) => typeof e === 'string'))
    throw bad('experts', 'must list at least 2 expert folders or ids');
  if (!Array.isArray(o.weights) || !o.weights.every((w) => typeof w === 'number'))
    throw bad('weights', 'must be a list of numbers');
  if (typeof o.substrateId !== 'string') throw bad('substrateId', 'must be a string');
  if (typeof o.tokenizerId !== 'string') throw bad('tokenizerId', 'must be a string');
  return {
    kind: 'merge',
    version: 1,
    mode: parseMergeMode(o.mode, `${file}: mode`),
    weights: o.weights as number[],
    experts: o.experts as string[],
    substrateId: o.substrateId,
    tokenizerId: o.tokenizerId,
    created: typeof o.created === 'string' ? o.created : '',
  };
}

/** Loads one trained model from a folder path or an id. */
export type ExpertLoader = (ref: string) => Promise<CausalLM>;

/**
 * Loads a merge folder. Path references resolve against the merge folder; a referenced folder that is
 * itself a merge loads recursively with the same loader. The loaded experts must still have the ids the
 * merge recorded (an expert retrained in place would silently change the merge otherwise).
 */
export async function loadMergedModel(
  dir: string,
  loadExpert: ExpertLoader,
  seen: ReadonlySet<string> = new Set(),
): Promise<MergedLM> {
  const here = resolve(dir);
  if (seen.has(here)) throw new UserError(`${join(dir, MERGE_FILE)}: merges reference each other in a cycle`);
  const spec = readMergeSpec(dir);
  const inner = new Set([...seen, here]);
  const experts: CausalLM[] = [];
  const names: string[] = [];
  try {
    for (const ref of spec.experts) {
      const target = isIdRef(ref) ? ref : isAbsolute(ref) ? ref : resolve(here, ref);
      names.push(target);
      experts.push(
        !isIdRef(ref) && isMergeDir(target)
          ? await loadMergedModel(target, loadExpert, inner)
          : await loadExpert(target),
      );
    }
    experts.forEach((e, i) => {
      if (e.substrateId !== spec.substrateId || e.tokenizerId !== spec.tokenizerId) {
        throw new UserError(
          `${join(dir, MERGE_FILE)}: expert ${names[i]} now has substrate ${shortId(e.substrateId)}, tokenizer ${shortId(e.tokenizerId)}, ` +
            `but the merge was made with substrate ${shortId(spec.substrateId)}, tokenizer ${shortId(spec.tokenizerId)}; merge again`,
        );
      }
    });
    const merged = new MergedLM(experts, { mode: spec.mode, weights: spec.weights, names });
    // A tuned merge owns freshly loaded experts, so their heads can take the tuned weights.
    if (hasTunedHeads(dir)) applyTunedHeads(dir, merged);
    return merged;
  } catch (err) {
    for (const e of experts) e.dispose();
    throw err;
  }
}

/** Loads a trained-model folder or a merge folder alike (what `generate --model DIR` needs). */
export async function loadAnyModel(dir: string, loadModel: ExpertLoader): Promise<CausalLM> {
  return isMergeDir(dir) ? loadMergedModel(dir, loadModel) : loadModel(dir);
}
