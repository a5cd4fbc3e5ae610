// Model lists: newest first, a growth run's stages together and in depth order even when written in one millisecond.
import { describe, expect, it } from 'vitest';
import { byNewestThenDepth } from './model-order';

const m = (id: string, kind: string, depth: number, runId: string | null, createdAt: string) => ({
  id,
  kind: kind as 'stage',
  depth,
  runId,
  createdAt,
});

describe('byNewestThenDepth', () => {
  it('keeps stages of a run by depth and puts newer groups first', () => {
    const t = (s: number) => `2026-01-01T10:00:0${s}.000Z`;
    const list = [
      m('s3', 'stage', 3, 'r1', t(1)),
      m('old', 'trained', 2, 'r0', t(0)),
      m('s1', 'stage', 1, 'r1', t(1)),
      m('merge', 'merge', 0, null, t(5)),
      m('s2', 'stage', 2, 'r1', t(2)),
    ];
    expect(byNewestThenDepth(list).map((x) => x.id)).toEqual(['merge', 's1', 's2', 's3', 'old']);
  });
});
