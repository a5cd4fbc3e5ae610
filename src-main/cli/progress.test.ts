// The CLI progress display on a fake terminal (one redrawn line: bar, percentage, ETA from the rate, clipped to
// the width) and on a plain stream (whole lines, throttled, the last one always), with a fake clock.
import { describe, expect, it } from 'vitest';
import { createContext } from './output';
import { fmtEta, TerminalProgress, type ProgressStream } from './progress';

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { out: string } {
  const s = { out: '', isTTY, columns, write: (chunk: string) => ((s.out += chunk), true) };
  return s;
}

describe('fmtEta', () => {
  it('reads in seconds, minutes or hours, and a dash when unknown', () => {
    expect([fmtEta(0), fmtEta(44.6), fmtEta(185), fmtEta(3725), fmtEta(null), fmtEta(Infinity)]).toEqual([
      '0 s',
      '45 s',
      '3 min 05 s',
      '1 h 02 min',
      '–',
      '–',
    ]);
  });
});

describe('TerminalProgress', () => {
  it('on a terminal redraws one line with a bar and an ETA from the rate so far', () => {
    let t = 0;
    const s = fakeStream(true);
    const p = new TerminalProgress(s, { now: () => t });
    p.update('train', 0, 100, 'loss 5.000');
    expect(s.out).toBe('\r\x1b[2Ktrain [........................]   0% 0/100 ETA – loss 5.000');
    t = 50;
    p.update('train', 5, 100);
    expect(s.out.split('\r').length).toBe(2); // within 100 ms: not redrawn
    t = 2000;
    p.update('train', 20, 100, 'loss 4.100');
    // 20 steps in 2 s: 80 left at 10 steps/s.
    expect(s.out.split('\r').at(-1)).toBe('\x1b[2Ktrain [#####...................]  20% 20/100 ETA 8 s loss 4.100');
    t = 2010;
    p.update('train', 100, 100);
    expect(s.out.split('\r').at(-1)).toBe('\x1b[2Ktrain [########################] 100% 100/100 ETA 0 s');
    p.log('saved model');
    expect(s.out.endsWith('100/100 ETA 0 s\nsaved model\n')).toBe(true);
    p.end();
    expect(s.out.endsWith('saved model\n')).toBe(true);
  });

  it('uses the caller\u2019s ETA when given, starts a new line for a new label and fits the terminal width', () => {
    let t = 0;
    const s = fakeStream(true, 40);
    const p = new TerminalProgress(s, { now: () => t });
    p.update('stage 1/2', 10, 50, '', 125);
    expect(s.out).toBe('\r\x1b[2K' + 'stage 1/2 [#####...................]  20% 10/50 ETA 2 min 05 s'.slice(0, 39));
    t = 10;
    p.update('stage 2/2', 0, 50);
    expect(s.out).toContain('\n\r\x1b[2Kstage 2/2');
  });

  it('on a plain stream writes whole lines every few seconds and always the last one', () => {
    let t = 0;
    const s = fakeStream(false);
    const p = new TerminalProgress(s, { now: () => t });
    for (let step = 0; step <= 100; step++) {
      t = step * 100; // 10 steps per second, 10 s in all
      p.update('eval', step, 100, 'mc');
    }
    p.end();
    const lines = s.out.trimEnd().split('\n');
    expect(s.out.includes('\r') || s.out.includes('\x1b')).toBe(false);
    expect(lines).toEqual([
      'eval 0/100 mc · 0% · ETA –',
      'eval 30/100 mc · 30% · ETA 7 s',
      'eval 60/100 mc · 60% · ETA 4 s',
      'eval 90/100 mc · 90% · ETA 1 s',
      'eval 100/100 mc · 100% · ETA 0 s',
    ]);
  });

  it('is what CLI commands get as their context', () => {
    const s = fakeStream(false);
    const ctx = createContext(false, s as unknown as NodeJS.WriteStream);
    ctx.progress('vocab build', 3, 3);
    ctx.progressDone();
    ctx.log('done');
    expect(s.out).toBe('vocab build 3/3 · 100% · ETA 0 s\ndone\n');
  });
});
