// Run logs in SQLite: numbered lines, a bounded tail per run, reads after a sequence number, survival across a
// reopen of the workspace, and removal with the run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_LOG_KEEP } from './repos/run-logs';
import { fakeClock, seed, tempDir } from './test-utils';
import { Workspace } from './workspace';

let tmp: ReturnType<typeof tempDir>;
let ws: Workspace;
let runId: string;
beforeEach(() => {
  tmp = tempDir();
  ws = Workspace.open(tmp.dir, { now: fakeClock() });
  const { project } = seed(ws);
  runId = ws.runs.create({ projectId: project.id, kind: 'grow' }).id;
});
afterEach(() => {
  ws.close();
  tmp.cleanup();
});

describe('run logs', () => {
  it('numbers lines per run and reads them back oldest first, after a given number', () => {
    const other = ws.runs.create({ projectId: ws.projects.list()[0]!.id, kind: 'train' }).id;
    expect(ws.runLogs.append(runId, 'stage 1/2').seq).toBe(1);
    expect(ws.runLogs.append(other, 'elsewhere').seq).toBe(1);
    expect(ws.runLogs.append(runId, 'stage 2/2').seq).toBe(2);
    expect(ws.runLogs.tail(runId).map((l) => [l.seq, l.line])).toEqual([
      [1, 'stage 1/2'],
      [2, 'stage 2/2'],
    ]);
    expect(ws.runLogs.tail(runId, { afterSeq: 1 }).map((l) => l.line)).toEqual(['stage 2/2']);
    expect(ws.runLogs.tail(runId, { limit: 1 }).map((l) => l.line)).toEqual(['stage 2/2']);
  });

  it(`keeps the last ${RUN_LOG_KEEP} lines of a run, numbering on past the dropped ones`, () => {
    for (let i = 1; i <= RUN_LOG_KEEP + 25; i++) ws.runLogs.append(runId, `line ${i}`);
    const tail = ws.runLogs.tail(runId);
    expect(tail).toHaveLength(RUN_LOG_KEEP);
    expect(tail[0]).toMatchObject({ seq: 26, line: 'line 26' });
    expect(tail.at(-1)).toMatchObject({ seq: RUN_LOG_KEEP + 25, line: `line ${RUN_LOG_KEEP + 25}` });
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM run_logs').get() as { n: number }).n).toBe(RUN_LOG_KEEP);
  });

  it('cuts a runaway line', () => {
    const l = ws.runLogs.append(runId, 'x'.repeat(10_000));
    expect(l.line.length).toBeLessThan(4100);
    expect(ws.runLogs.tail(runId)[0]!.line).toBe(l.line);
  });

  it('survives closing and reopening the workspace, and goes with its run', () => {
    ws.runLogs.append(runId, 'paused at step 40');
    ws.close();
    ws = Workspace.open(tmp.dir, { now: fakeClock() });
    expect(ws.runLogs.tail(runId).map((l) => l.line)).toEqual(['paused at step 40']);
    expect(ws.runLogs.append(runId, 'resumed').seq).toBe(2);
    ws.deleteRun(runId);
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM run_logs').get() as { n: number }).n).toBe(0);
  });
});
