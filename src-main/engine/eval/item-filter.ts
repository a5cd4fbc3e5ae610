// Item accounting for the QA protocols: every step that drops an item before counting, or changes how an item
// is scored, with its reason and the items it touched — so "n" is never read without the items left out.

/** One filter step. `dropped` items are not scored; `changed` items are scored, differently from their file. */
export interface FilterStep {
  step: 'unanswerable' | 'no-answer-text' | 'long-answer' | 'limit' | 'gold-normalizes-empty' | 'prompt-cut';
  effect: 'dropped' | 'changed';
  reason: string;
  items: { id: string; line: number }[];
}

export interface ItemAccounting {
  /** Items the file holds. */
  inFile: number;
  /** Items scored after every dropping step. */
  scored: number;
  /** Steps in the order they apply; steps that touched nothing are left out. */
  steps: FilterStep[];
}

interface Identified {
  id: string;
  line: number;
}

/**
 * Runs `rules` in order over `items`: the first rule whose test fails drops the item with that rule's step.
 * Then the limit keeps the first `limit` survivors. Returns the survivors and the dropping steps.
 */
export function applyFilters<T extends Identified>(
  items: readonly T[],
  rules: readonly { step: FilterStep['step']; reason: string; keep: (it: T) => boolean }[],
  limit?: number,
): { kept: T[]; steps: FilterStep[] } {
  const steps: FilterStep[] = rules.map((r) => ({ step: r.step, effect: 'dropped', reason: r.reason, items: [] }));
  let kept: T[] = [];
  for (const it of items) {
    const failed = rules.findIndex((r) => !r.keep(it));
    if (failed >= 0) steps[failed]!.items.push({ id: it.id, line: it.line });
    else kept.push(it);
  }
  if (limit !== undefined && limit >= 0 && kept.length > Math.floor(limit)) {
    const cut = Math.floor(limit);
    steps.push({
      step: 'limit',
      effect: 'dropped',
      reason: `beyond the item limit of ${cut}`,
      items: kept.slice(cut).map((it) => ({ id: it.id, line: it.line })),
    });
    kept = kept.slice(0, cut);
  }
  return { kept, steps: steps.filter((s) => s.items.length > 0) };
}

/** A `changed` step for the items at `indices` of `items` (none: no step). */
export function changedStep(
  step: FilterStep['step'],
  reason: string,
  items: readonly Identified[],
  indices: readonly number[],
): FilterStep[] {
  return indices.length === 0
    ? []
    : [{ step, effect: 'changed', reason, items: indices.map((i) => ({ id: items[i]!.id, line: items[i]!.line })) }];
}

/** The one-line account: "8 in file · 5 scored · 3 dropped: 2 unanswerable …". */
export function describeAccounting(a: ItemAccounting): string {
  const dropped = a.steps.filter((s) => s.effect === 'dropped');
  const changed = a.steps.filter((s) => s.effect === 'changed');
  const parts = [`${a.inFile} in file`, `${a.scored} scored`];
  if (dropped.length > 0)
    parts.push(`${a.inFile - a.scored} left out: ${dropped.map((s) => `${s.items.length} ${s.reason}`).join('; ')}`);
  for (const s of changed) parts.push(`${s.items.length} ${s.reason}`);
  return parts.join(' · ');
}
