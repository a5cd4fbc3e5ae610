// Metrics: (run, name, step) → value time series. Appends are batched in one transaction; reads are range scans.
import { UserError } from '../../common/errors';
import type { RepoContext } from './context';

export interface MetricPoint {
  runId: string;
  /** e.g. "train/loss", "val/loss", "lr", "tokens_per_s". */
  name: string;
  step: number;
  /** NaN and ±Infinity are kept (a diverged loss is data). */
  value: number;
  /** Wall-clock ms; defaults to now. */
  t?: number;
}

export interface SeriesPoint {
  step: number;
  value: number;
  t: number;
}

export interface RangeOptions {
  /** Inclusive bounds. */
  fromStep?: number;
  toStep?: number;
  /** Exclusive lower bound, for polling "what is new since step N". */
  afterStep?: number;
  /** First N points in step order. */
  limit?: number;
  /**
   * Downsample to about this many points for a chart: the range is cut into buckets and each
   * keeps its lowest and highest value, so loss spikes after a block insertion stay visible.
   */
  maxPoints?: number;
}

interface RawPoint {
  step: number;
  value: number | null;
  t: number;
}

// SQLite stores NaN as NULL; the column is otherwise never null.
const fromDb = (r: RawPoint): SeriesPoint => ({ step: r.step, value: r.value ?? Number.NaN, t: r.t });

function bounds(o: RangeOptions): { lo: number; hi: number } {
  let lo = o.fromStep ?? Number.MIN_SAFE_INTEGER;
  if (o.afterStep !== undefined) lo = Math.max(lo, Math.floor(o.afterStep) + 1);
  return { lo, hi: o.toStep ?? Number.MAX_SAFE_INTEGER };
}

export class MetricsRepo {
  private readonly q;
  private readonly insertMany: (points: readonly MetricPoint[]) => void;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      // REPLACE: a run resumed from an earlier checkpoint logs the same steps again; the newest wins.
      insert: db.prepare('INSERT OR REPLACE INTO metrics (run_id, name, step, value, t) VALUES (?, ?, ?, ?, ?)'),
      range: db.prepare(
        `SELECT step, value, t FROM metrics WHERE run_id = @run AND name = @name AND step BETWEEN @lo AND @hi ORDER BY step LIMIT @limit`,
      ),
      count: db.prepare(
        'SELECT COUNT(*) AS n FROM metrics WHERE run_id = @run AND name = @name AND step BETWEEN @lo AND @hi',
      ),
      downsample: db.prepare(
        `WITH s AS (
           SELECT step, value, t, ROW_NUMBER() OVER (ORDER BY step) - 1 AS i FROM metrics
           WHERE run_id = @run AND name = @name AND step BETWEEN @lo AND @hi),
         b AS (
           SELECT step, value, t,
             ROW_NUMBER() OVER (PARTITION BY i / CAST(@stride AS INTEGER) ORDER BY value ASC, step) AS lo_rank,
             ROW_NUMBER() OVER (PARTITION BY i / CAST(@stride AS INTEGER) ORDER BY value DESC, step) AS hi_rank
           FROM s)
         SELECT step, value, t FROM b WHERE lo_rank = 1 OR hi_rank = 1 ORDER BY step`,
      ),
      names: db.prepare('SELECT DISTINCT name FROM metrics WHERE run_id = ? ORDER BY name'),
      latest: db.prepare(
        `SELECT m.name, m.step, m.value, m.t FROM metrics m
         JOIN (SELECT name, MAX(step) AS step FROM metrics WHERE run_id = @run GROUP BY name) x ON x.name = m.name AND x.step = m.step
         WHERE m.run_id = @run ORDER BY m.name`,
      ),
      countRun: db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?'),
      firstTime: db.prepare('SELECT MIN(t) AS t FROM metrics WHERE run_id = ?'),
      deleteAfter: db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?'),
    };
    this.insertMany = db.transaction((points: readonly MetricPoint[]) => {
      const now = this.ctx.now();
      for (const p of points)
        this.q.insert.run(p.runId, p.name, p.step, Number.isNaN(p.value) ? null : p.value, p.t ?? now);
    });
  }

  /**
   * Appends points in one transaction (thousands per call are cheap; one call per point is not —
   * use MetricBuffer for streams). All or nothing: a bad point rejects the whole batch.
   */
  append(points: readonly MetricPoint[]): number {
    for (const p of points) {
      // A cheap hand check instead of zod: this is the hot path.
      if (
        typeof p.name !== 'string' ||
        p.name.length === 0 ||
        !Number.isSafeInteger(p.step) ||
        typeof p.value !== 'number'
      ) {
        throw new UserError(
          `invalid metric point for run ${p.runId}: ${JSON.stringify(p)} (name must be non-empty, step an integer, value a number)`,
        );
      }
    }
    try {
      this.insertMany(points);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
        throw new UserError(`cannot record metrics: unknown run in batch (first: ${points[0]?.runId})`);
      throw err;
    }
    return points.length;
  }

  range(runId: string, name: string, opts: RangeOptions = {}): SeriesPoint[] {
    const { lo, hi } = bounds(opts);
    const limit = opts.limit === undefined ? -1 : Math.max(0, Math.floor(opts.limit));
    if (opts.maxPoints !== undefined && opts.limit === undefined) {
      const max = Math.max(2, Math.floor(opts.maxPoints));
      const n = (this.q.count.get({ run: runId, name, lo, hi }) as { n: number }).n;
      if (n > max) {
        const stride = Math.ceil(n / Math.floor(max / 2));
        return (this.q.downsample.all({ run: runId, name, lo, hi, stride }) as RawPoint[]).map(fromDb);
      }
    }
    return (this.q.range.all({ run: runId, name, lo, hi, limit }) as RawPoint[]).map(fromDb);
  }

  /** Several series of one run at once (all of its metrics when `names` is omitted). */
  series(runId: string, names?: readonly string[], opts: RangeOptions = {}): Record<string, SeriesPoint[]> {
    const out: Record<string, SeriesPoint[]> = {};
    for (const name of names ?? this.names(runId)) out[name] = this.range(runId, name, opts);
    return out;
  }

  names(runId: string): string[] {
    return (this.q.names.all(runId) as { name: string }[]).map((r) => r.name);
  }

  /** The last point of every metric of a run, e.g. for a run list's "loss" column. */
  latest(runId: string): Record<string, SeriesPoint> {
    const out: Record<string, SeriesPoint> = {};
    for (const r of this.q.latest.all({ run: runId }) as (RawPoint & { name: string })[]) out[r.name] = fromDb(r);
    return out;
  }

  count(runId: string, name?: string): number {
    if (name !== undefined) {
      const { lo, hi } = bounds({});
      return (this.q.count.get({ run: runId, name, lo, hi }) as { n: number }).n;
    }
    return (this.q.countRun.get(runId) as { n: number }).n;
  }

  /** Wall-clock ms of the run's earliest point (null without points): the origin of "seconds since the run started". */
  firstTime(runId: string): number | null {
    return (this.q.firstTime.get(runId) as { t: number | null }).t;
  }

  /** Drops points logged after `step`: call when resuming from a checkpoint at that step. */
  deleteAfter(runId: string, step: number): number {
    return this.q.deleteAfter.run(runId, step).changes;
  }
}
