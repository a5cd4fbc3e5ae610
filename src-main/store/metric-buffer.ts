// Collects streamed metric points and writes them in batches: one transaction per flush, not per point.
import { UserError } from '../common/errors';
import type { MetricPoint, MetricsRepo } from './repos/metrics';

export interface MetricBufferOptions {
  /** Flush as soon as this many points are waiting. */
  maxRows?: number;
  /** …or this long after the first waiting point arrived. */
  maxDelayMs?: number;
  /** Timer-driven flushes have no caller to throw to; the points stay buffered for the next try. */
  onError?: (err: unknown) => void;
}

export class MetricBuffer {
  private pending: MetricPoint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly repo: MetricsRepo,
    opts: MetricBufferOptions = {},
  ) {
    this.maxRows = opts.maxRows ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 1000;
    this.onError =
      opts.onError ?? ((err) => process.stderr.write(`espalier: could not save metrics: ${String(err)}\n`));
  }

  get size(): number {
    return this.pending.length;
  }

  push(points: MetricPoint | readonly MetricPoint[]): void {
    if (Array.isArray(points)) this.pending.push(...(points as readonly MetricPoint[]));
    else this.pending.push(points as MetricPoint);
    if (this.pending.length >= this.maxRows) this.flush();
    else if (!this.timer && this.pending.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        try {
          this.flush();
        } catch (err) {
          this.onError(err);
        }
      }, this.maxDelayMs);
      // A pending flush must not keep a CLI process alive; close() flushes what is left.
      this.timer.unref();
    }
  }

  /**
   * Writes everything waiting; returns how many points were written. On a transient failure (a
   * busy database) the points are kept for the next flush; a batch with invalid points is dropped,
   * since retrying it could never succeed.
   */
  flush(): number {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return 0;
    const batch = this.pending;
    try {
      this.repo.append(batch);
    } catch (err) {
      if (err instanceof UserError) this.pending = [];
      throw err;
    }
    this.pending = [];
    return batch.length;
  }

  close(): number {
    return this.flush();
  }
}
