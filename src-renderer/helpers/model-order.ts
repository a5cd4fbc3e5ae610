// The order model lists show: newest first, but the stages of one growth run stay together in depth order
// (stage 1, 2, 3…), whatever milliseconds their rows were written in.
import type { ModelEntry } from '../../src-shared/domain';

type Orderable = Pick<ModelEntry, 'id' | 'kind' | 'depth' | 'runId' | 'createdAt'>;

/** Newest group first; within a growth run's stages, shallowest first. */
export function byNewestThenDepth<T extends Orderable>(models: readonly T[]): T[] {
  const groupOf = (m: T) => (m.kind === 'stage' && m.runId ? `run:${m.runId}` : `model:${m.id}`);
  const groupTime = new Map<string, string>();
  for (const m of models) {
    const g = groupOf(m);
    const t = groupTime.get(g);
    if (t === undefined || m.createdAt < t) groupTime.set(g, m.createdAt);
  }
  return [...models].sort((a, b) => {
    const ga = groupOf(a);
    const gb = groupOf(b);
    if (ga !== gb) {
      const ta = groupTime.get(ga)!;
      const tb = groupTime.get(gb)!;
      return ta !== tb ? (ta < tb ? 1 : -1) : ga < gb ? -1 : 1;
    }
    return a.depth - b.depth;
  });
}
