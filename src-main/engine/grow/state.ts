// The run folder's state file (growth.json, written atomically): the plan, a fingerprint of the data, and the
// records of finished stages and baselines — what a resume needs besides the running stage's checkpoint.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import type { TokenSeq, Windows } from '../train/data';
import { UserError } from '../../common/errors';
import { sha256Hex } from '../util/hash';
import { blockInit, type GrowthPlan } from './plan';
import type { BaselineRecord, StageRecord } from './records';
import type { GrowthData } from './stage';
import { readJsonCapped } from '../util/read-capped';

export const STATE_FILE = 'growth.json';
const FORMAT = 'espalier-growth';

export interface DataFingerprint {
  train: string;
  val: string | null;
  substrateId: string;
  tokenizerId: string;
}

export interface RunState {
  format: typeof FORMAT;
  version: 1;
  status: 'running' | 'stopped' | 'done';
  plan: GrowthPlan;
  data: DataFingerprint;
  stages: StageRecord[];
  /** Finished stages of the trainable-embedding baseline's growth. */
  embeddingStages: StageRecord[];
  baselines: { monolithic: BaselineRecord | null; 'trainable-embedding': BaselineRecord | null };
}

function windowsHash(w: Windows<TokenSeq>): string {
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  // A token file is named by its text's hash and place (hashing its ids would read gigabytes).
  return sha256Hex(
    String(w.T),
    bytes(w.starts),
    w.tokens instanceof Int32Array ? bytes(w.tokens) : (w.tokens.identity ?? ''),
  );
}

export function fingerprint(data: GrowthData): DataFingerprint {
  return {
    train: windowsHash(data.train),
    val: data.val ? windowsHash(data.val) : null,
    substrateId: data.substrate.id,
    tokenizerId: data.tokenizer.id,
  };
}

/** JSON with sorted keys, so equal plans compare equal whatever order their fields were written in. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Plan fields that change only speed or bookkeeping, never the trained weights: a resume may change them. */
const FREE_FIELDS = ['checkpointEvery', 'baselines', 'cachePrefix', 'cacheBudgetMB'] as const;

function comparable(plan: GrowthPlan): Record<string, unknown> {
  const o: Record<string, unknown> = { ...plan };
  for (const k of FREE_FIELDS) delete o[k];
  return o;
}

function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if (stable(a[k]) !== stable(b[k])) return `${k}: ${stable(a[k])} then, ${stable(b[k])} now`;
  return '';
}

export function writeState(dir: string, s: RunState): void {
  writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(s, null, 1)}\n`);
}

/** Opens the run folder: a new state, or the saved one after checking that plan and data are the same. */
export function openState(dir: string, plan: GrowthPlan, data: GrowthData): RunState {
  const path = join(dir, STATE_FILE);
  const fp = fingerprint(data);
  if (!existsSync(path)) {
    if (existsSync(join(dir, 'stage-1')))
      throw new UserError(
        `${dir}: holds stage folders but no ${STATE_FILE}, so it cannot be resumed safely; choose a new --out`,
      );
    const s: RunState = {
      format: FORMAT,
      version: 1,
      status: 'running',
      plan,
      data: fp,
      stages: [],
      embeddingStages: [],
      baselines: { monolithic: null, 'trainable-embedding': null },
    };
    writeState(dir, s);
    return s;
  }
  let s: RunState;
  try {
    s = readJsonCapped(path, 'growth state') as RunState;
  } catch (err) {
    throw new UserError(`${(err as Error).message}; use a new --out folder`);
  }
  if (s.format !== FORMAT || s.version !== 1)
    throw new UserError(`${path}: not a growth run state (format "${String(s.format)}", version ${String(s.version)})`);
  // Run folders from before the four init choices spell them 'random' / 'zero'.
  // Those from before gradient accumulation have no accumulation field: they ran one micro-batch per step.
  const saved: GrowthPlan = {
    ...s.plan,
    init: blockInit(s.plan.init) ?? s.plan.init,
    accumulation: s.plan.accumulation ?? 1,
  };
  const diff = firstDifference(comparable(saved), comparable(plan));
  if (diff)
    throw new UserError(
      `${dir}: holds a growth run with another plan (${diff}); resume with the same options or choose a new --out`,
    );
  for (const k of ['train', 'val', 'substrateId', 'tokenizerId'] as const) {
    if (s.data[k] !== fp[k])
      throw new UserError(
        `${dir}: holds a growth run on other data (${k} differs); resume with the same --data/--val/--vocab/--substrate/--context or choose a new --out`,
      );
  }
  return { ...s, plan, status: 'running' };
}
