// stderr logging and progress display for the CLI; stdout is reserved for results.
import type { CommandContext } from './command';

function fmtBar(done: number, total: number, width = 24): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(frac * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%`;
}

export function createContext(json: boolean, stream: NodeJS.WriteStream = process.stderr): CommandContext {
  const tty = Boolean(stream.isTTY);
  let open = false;
  let lastPrint = 0;
  let lastLabel = '';
  return {
    json,
    log(message: string) {
      if (open && tty) stream.write('\n');
      open = false;
      stream.write(`${message}\n`);
    },
    progress(label: string, done: number, total: number, extra = '') {
      const now = Date.now();
      const finished = done >= total;
      if (tty) {
        // Redraw at most ~10 times a second.
        if (!finished && now - lastPrint < 100 && label === lastLabel) return;
        stream.write(`\r\x1b[2K${label} ${fmtBar(done, total)} ${done}/${total} ${extra}`);
        open = true;
      } else {
        // Non-terminal stderr (CI, pipes): a plain line every few seconds.
        if (!finished && now - lastPrint < 3000 && label === lastLabel) return;
        stream.write(`${label} ${done}/${total} ${extra}\n`);
      }
      lastPrint = now;
      lastLabel = label;
    },
    progressDone() {
      if (open && tty) stream.write('\n');
      open = false;
    },
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
