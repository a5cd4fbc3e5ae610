// The throttle on its own clock: deliveries for one key are at least one interval apart (leading edge, then a
// trailing timer), nothing is lost or reordered, keys are independent, and flush delivers at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from './throttle';

describe('Batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers a burst at most once per interval per key, losing nothing', () => {
    const out: { key: string; items: number[]; at: number }[] = [];
    const b = new Batcher<number>(100, (key, items) => out.push({ key, items, at: Date.now() }));
    // A message every 10 ms for one second, as a fast training loop sends them.
    for (let i = 1; i <= 100; i++) {
      b.push('run', [i]);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(200);
    const gaps = out.slice(1).map((d, i) => d.at - out[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(out.length).toBeLessThanOrEqual(11);
    expect(out.flatMap((d) => d.items)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('throttles keys independently and flushes on demand', () => {
    const out: string[] = [];
    const b = new Batcher<number>(100, (key, items) => out.push(`${key}:${items.join(',')}`));
    b.push('a', [1]);
    b.push('b', [1]);
    b.push('a', [2]);
    b.push('a', [3]);
    expect(out).toEqual(['a:1', 'b:1']);
    b.flush('a');
    expect(out).toEqual(['a:1', 'b:1', 'a:2,3']);
    vi.advanceTimersByTime(1000);
    expect(out).toHaveLength(3);
  });
});
