// Per-op wall-clock profile of a training step (`npx tsx bench/train-profile.ts`, or ESPALIER_PROFILE=1):
// each named section of the model's forward and backward passes adds its time here. The wasm backend and
// the native addon are synchronous, so wall time around a call is the op's time. Off, it costs one branch.
let on = process.env['ESPALIER_PROFILE'] === '1';
const stats = new Map<string, { calls: number; ms: number; cpuMs: number }>();
/** Process CPU time in ms (every thread): on a busy shared machine steadier than wall time. */
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Switches the profile on (clearing it) or off. */
export function setOpProfiling(enabled: boolean): void {
  on = enabled;
  stats.clear();
}

/** Runs fn, filing its wall and process CPU time under `name` while profiling is on. Sections must not nest. */
export function timed<T>(name: string, fn: () => T): T {
  if (!on) return fn();
  const t0 = performance.now();
  const c0 = cpuMs();
  try {
    return fn();
  } finally {
    const s = stats.get(name) ?? { calls: 0, ms: 0, cpuMs: 0 };
    s.calls++;
    s.ms += performance.now() - t0;
    s.cpuMs += cpuMs() - c0;
    stats.set(name, s);
  }
}

/** The sections so far, longest first. */
export function opProfile(): { name: string; calls: number; ms: number; cpuMs: number }[] {
  return [...stats].map(([name, s]) => ({ name, ...s })).sort((a, b) => b.ms - a.ms);
}
