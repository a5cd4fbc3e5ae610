// Per-key coalescing for streams the UI cannot use faster than it can draw: metric points are batched and
// flushed at most once per interval per run; progress keeps only the latest value. Leading edge + trailing timer.

export class Batcher<T> {
  private readonly pending = new Map<string, { items: T[]; timer: NodeJS.Timeout | null; last: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (key: string, items: T[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(key: string, items: readonly T[]): void {
    let p = this.pending.get(key);
    if (!p) {
      p = { items: [], timer: null, last: -Infinity };
      this.pending.set(key, p);
    }
    p.items.push(...items);
    if (p.timer) return;
    const wait = p.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush(key);
    else {
      p.timer = setTimeout(() => {
        p.timer = null;
        this.flush(key);
      }, wait);
      // A pending UI event must not keep a CLI or test process alive.
      p.timer.unref();
    }
  }

  /** Delivers what is waiting for `key` now (before a status change, so curves are complete when a run ends). */
  flush(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    if (p.timer) {
      clearTimeout(p.timer);
      p.timer = null;
    }
    if (p.items.length === 0) return;
    const items = p.items;
    p.items = [];
    p.last = this.now();
    this.deliver(key, items);
  }

  /** Flushes and forgets `key` (a run that ended). */
  drop(key: string): void {
    this.flush(key);
    this.pending.delete(key);
  }

  flushAll(): void {
    for (const key of [...this.pending.keys()]) this.flush(key);
  }
}
