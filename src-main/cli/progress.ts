// Progress of long CLI commands on stderr: on a terminal one redrawn line with a bar, percentage and ETA; on
// anything else (CI logs, pipes) a plain line every few seconds, and always the last one, so logs stay readable.

/** The part of a stream this needs (process.stderr, or a test's fake). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  now?: () => number;
  /** Terminal redraws at most this often (default 100 ms). */
  redrawMs?: number;
  /** Plain lines at most this often for one label (default 3 s). */
  lineMs?: number;
}

/** "45 s", "3 min 05 s", "1 h 02 min"; "–" when unknown. */
export function fmtEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

function bar(frac: number, width: number): string {
  const full = Math.round(frac * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

export class TerminalProgress {
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly redrawMs: number;
  private readonly lineMs: number;
  /** A bar line is on screen without its newline. */
  private open = false;
  private label = '';
  private lastPrint = -Infinity;
  /** Where the current label started, for the rate behind the ETA. */
  private start: { t: number; done: number } | null = null;

  constructor(
    private readonly stream: ProgressStream,
    opts: ProgressOptions = {},
  ) {
    this.tty = Boolean(stream.isTTY);
    this.now = opts.now ?? (() => Date.now());
    this.redrawMs = opts.redrawMs ?? 100;
    this.lineMs = opts.lineMs ?? 3000;
  }

  /**
   * done of total for `label`. etaSeconds: the caller's own estimate (training knows its stages); otherwise the
   * ETA is the rate since this label started, once it has run a second.
   */
  update(label: string, done: number, total: number, extra = '', etaSeconds?: number): void {
    const now = this.now();
    if (label !== this.label || this.start === null || done < this.start.done) {
      if (this.open && label !== this.label) this.end();
      this.label = label;
      this.start = { t: now, done };
      this.lastPrint = -Infinity;
    }
    const finished = total > 0 && done >= total;
    if (!finished && now - this.lastPrint < (this.tty ? this.redrawMs : this.lineMs)) return;
    this.lastPrint = now;
    const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const eta = finished ? 0 : (etaSeconds ?? this.estimate(now, done, total));
    const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
    const tail = `${done}/${total} ETA ${fmtEta(eta)}${extra ? ` ${extra}` : ''}`;
    if (this.tty) {
      const line = `${label} ${bar(frac, 24)} ${pct} ${tail}`;
      const cols = this.stream.columns && this.stream.columns > 20 ? this.stream.columns - 1 : Infinity;
      this.stream.write(`\r\x1b[2K${[...line].slice(0, cols).join('')}`);
      this.open = true;
    } else {
      this.stream.write(`${label} ${done}/${total}${extra ? ` ${extra}` : ''} · ${pct.trim()} · ETA ${fmtEta(eta)}\n`);
    }
  }

  /** Ends the bar line (a terminal keeps the last state on screen). */
  end(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }

  /** A message between progress updates, on its own line. */
  log(message: string): void {
    this.end();
    this.stream.write(`${message}\n`);
  }

  private estimate(now: number, done: number, total: number): number | null {
    if (!this.start) return null;
    const dt = (now - this.start.t) / 1000;
    const dd = done - this.start.done;
    if (dt < 1 || dd <= 0) return null;
    return (total - done) / (dd / dt);
  }
}
