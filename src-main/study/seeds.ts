// Every training in a study gets its own seeds, derived from (study seed, arm, model, role) by SHA-256: expert B at
// seed s and expert A at seed s+1 no longer share initialisation and sampling, as `seed + i` made them do.
import { createHash } from 'node:crypto';
import type { RunSeed, StudyArm } from '../../src-shared/study';

/** A 31-bit seed from the parts (the growth runner and the substrate builder take non-negative int32 seeds). */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest();
  return h.readUInt32BE(0) & 0x7fff_ffff;
}

/**
 * The seeds of one model of a run: `train` seeds its initialisation and batch order; `substrate` seeds its random
 * codes or the permutation of its glyph / binary-id columns. Experts with expertInit "same" share the run's
 * substrate seed (that is what "same" means); with "different" each expert has its own.
 */
export function modelSeeds(
  studySeed: number,
  arm: Pick<StudyArm, 'name' | 'merge' | 'expertInit'>,
  model: string,
): { train: number; substrate: number } {
  const substrateOwner = arm.merge !== 'none' && arm.expertInit === 'same' ? 'shared' : model;
  return {
    train: deriveSeed(studySeed, arm.name, model, 'train'),
    substrate: deriveSeed(studySeed, arm.name, substrateOwner, 'substrate'),
  };
}

export function seedRecords(model: string, s: { train: number; substrate: number }): RunSeed[] {
  return [
    { model, role: 'train', seed: s.train },
    { model, role: 'substrate', seed: s.substrate },
  ];
}
