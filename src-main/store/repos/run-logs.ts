// Run logs: the last RUN_LOG_KEEP lines of each run, numbered per run, so a reload or a restart shows them again.
import type { RepoContext } from './context';

/** Lines kept per run; older ones are dropped as new ones arrive. */
export const RUN_LOG_KEEP = 500;
/** A line longer than this is cut (a runaway stack trace must not fill the database). */
const MAX_LINE = 4000;

export interface RunLogLine {
  /** 1-based, increasing per run and never reused. */
  seq: number;
  /** Wall-clock ms. */
  t: number;
  line: string;
}

export class RunLogsRepo {
  private readonly q;
  private readonly appendTx: (runId: string, line: string, t: number) => RunLogLine;

  constructor(
    private readonly ctx: RepoContext,
    private readonly keep = RUN_LOG_KEEP,
  ) {
    const { db } = ctx;
    this.q = {
      last: db.prepare('SELECT MAX(seq) AS seq FROM run_logs WHERE run_id = ?'),
      insert: db.prepare('INSERT INTO run_logs (run_id, seq, t, line) VALUES (?, ?, ?, ?)'),
      trim: db.prepare('DELETE FROM run_logs WHERE run_id = ? AND seq <= ?'),
      tail: db.prepare(
        'SELECT seq, t, line FROM (SELECT seq, t, line FROM run_logs WHERE run_id = @run AND seq > @after ORDER BY seq DESC LIMIT @limit) ORDER BY seq',
      ),
    };
    this.appendTx = db.transaction((runId: string, line: string, t: number) => {
      const seq = ((this.q.last.get(runId) as { seq: number | null }).seq ?? 0) + 1;
      const text = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
      this.q.insert.run(runId, seq, t, text);
      if (seq > this.keep) this.q.trim.run(runId, seq - this.keep);
      return { seq, t, line: text };
    });
  }

  /** Appends one line (the run must exist) and drops what falls beyond the kept tail. */
  append(runId: string, line: string, t = this.ctx.now()): RunLogLine {
    return this.appendTx(runId, line, t);
  }

  /** The newest `limit` lines (all kept ones by default) after `afterSeq`, oldest first. */
  tail(runId: string, opts: { afterSeq?: number; limit?: number } = {}): RunLogLine[] {
    return this.q.tail.all({ run: runId, after: opts.afterSeq ?? 0, limit: opts.limit ?? this.keep }) as RunLogLine[];
  }
}
