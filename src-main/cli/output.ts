// stderr logging and progress display for the CLI; stdout is reserved for results.
import type { CommandContext } from './command';
import { TerminalProgress, type ProgressStream } from './progress';

export function createContext(json: boolean, stream: ProgressStream = process.stderr): CommandContext {
  const bar = new TerminalProgress(stream);
  return {
    json,
    log: (message) => bar.log(message),
    progress: (label, done, total, extra, etaSeconds) => bar.update(label, done, total, extra, etaSeconds),
    progressDone: () => bar.end(),
  };
}

/** Default human rendering of a result object: "key: value" lines. */
export function renderHuman(result: unknown): string {
  if (result === undefined || result === null) return '';
  if (typeof result !== 'object') return String(result);
  return Object.entries(result as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}
