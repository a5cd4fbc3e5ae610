// A small sequential test runner for end-to-end flows: named steps that run in order, each timed; once a
// step fails, the rest of its suite is skipped (they depend on it). Prints one line per step.

export type StepFn = () => Promise<void>;

export interface StepResult {
  suite: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  error?: string;
}

let aborted: string | null = null;

/** Stops every suite before its next step (the run timed out or was interrupted). */
export function abortAll(reason: string): void {
  aborted ??= reason;
}

export class Suite {
  private readonly steps: { name: string; fn: StepFn }[] = [];
  /** Checks that run after every step (e.g. "no console errors so far"); a throw fails that step. */
  private readonly afterEach: (() => void)[] = [];

  constructor(readonly name: string) {}

  step(name: string, fn: StepFn): this {
    this.steps.push({ name, fn });
    return this;
  }

  after(check: () => void): this {
    this.afterEach.push(check);
    return this;
  }

  /** Runs the steps in order, appending each result to `out` as it happens (so a timeout keeps the partial count). */
  async run(log: (line: string) => void, out: StepResult[] = []): Promise<StepResult[]> {
    let broken: string | null = null;
    log(`\n${this.name}`);
    for (const s of this.steps) {
      const why = aborted ?? (broken ? `"${broken}" failed` : null);
      if (why) {
        out.push({ suite: this.name, name: s.name, status: 'skipped', ms: 0, error: why });
        log(`  - ${s.name} (skipped: ${why})`);
        continue;
      }
      const t0 = Date.now();
      try {
        await s.fn();
        for (const check of this.afterEach) check();
        const ms = Date.now() - t0;
        out.push({ suite: this.name, name: s.name, status: 'passed', ms });
        log(`  ✓ ${s.name} (${fmtMs(ms)})`);
      } catch (err) {
        const ms = Date.now() - t0;
        const error = errorText(err);
        out.push({ suite: this.name, name: s.name, status: 'failed', ms, error });
        log(`  ✗ ${s.name} (${fmtMs(ms)})\n${indent(error, 6)}`);
        broken = s.name;
      }
    }
    return out;
  }
}

export function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    // Playwright's call logs are long; the first lines say what was waited for and why it failed.
    const lines = (err.message || String(err)).split('\n');
    return lines.slice(0, 14).join('\n');
  }
  return String(err);
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** Polls `probe` until it returns a truthy value (returned) or the time is up (throws, naming `what` and the last value seen). */
export async function until<T>(
  what: string,
  probe: () => Promise<T> | T,
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const everyMs = opts.everyMs ?? 150;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      lastErr = undefined;
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const seen = lastErr
        ? `error: ${errorText(lastErr).split('\n')[0]}`
        : `last value: ${JSON.stringify(last)?.slice(0, 300)}`;
      throw new Error(`timed out after ${fmtMs(timeoutMs)} waiting for ${what} (${seen})`);
    }
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
