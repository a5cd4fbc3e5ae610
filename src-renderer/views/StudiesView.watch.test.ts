// @vitest-environment happy-dom
// Studies view: a study's watch panel shows each planned run's state and the live loss of each run as its own
// curve; the comparison shows mean ± CI per arm with protocol labels and one curve per arm; 'studies.changed'
// reloads the list and the opened study; export to a named folder.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useStudiesStore } from '../stores/studies';
import { FakeTransport, makeArmResult, makeStudyDetail } from '../testing/fakes';
import StudiesView from './StudiesView.vue';
import { lastSeries } from '../testing/charts';
import { COMPARISON, freshStudiesApp, serve, studyRun } from '../testing/study-fixtures';

vi.mock('../charts/echarts', async () => ({ createChart: (await import('../testing/charts')).recordingChart }));

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshStudiesApp());
});

describe('StudiesView: watch and compare', () => {
  it('shows each planned run, the live loss per run, and the comparison with one curve per arm', async () => {
    const arms = [
      makeArmResult('frozen glyph', 1, [5, 4, 3], 2.4),
      makeArmResult('trainable', 1, [5, 4.5, 4], 2.6),
      makeArmResult('frozen glyph', 2, [6, 4, 2], 2.6),
    ];
    serve(transport, makeStudyDetail({ status: 'running', runId: 'run_s', runsDone: 3, arms, comparison: COMPARISON }));
    await useStudiesStore().load('p1');
    const w = mount(StudiesView, { global: { plugins: [pinia] } });
    await flushPromises();

    const rows = w
      .findAll('[data-testid="study-run-row"]')
      .map((r) => [r.attributes('data-run'), r.attributes('data-state')]);
    expect(rows).toEqual([
      ['frozen glyph · seed 1', 'done'],
      ['trainable · seed 1', 'done'],
      ['frozen glyph · seed 2', 'done'],
      ['trainable · seed 2', 'running'],
    ]);
    expect(w.get('[data-testid="run-progress"]').attributes('data-status')).toBe('running');

    // Live: each run streams its own series; the chart draws one curve per run.
    transport.emit('run.metrics', {
      runId: 'run_s',
      points: [1, 2].map((step) => ({ step, name: 'study/loss/trainable · seed 2', value: 5 - step, t: step })),
    });
    await nextTick();
    expect(lastSeries('study-live-loss').map((s) => [s.name, s.data])).toEqual([
      [
        'trainable · seed 2',
        [
          [1, 4],
          [2, 3],
        ],
      ],
    ]);

    // Compare: metrics as rows with their protocol, arms as columns, mean ± CI cells.
    const table = w.get('[data-testid="study-compare-table"]');
    expect(table.findAll('thead th').map((t) => t.attributes('data-arm') ?? '')).toEqual([
      '',
      'frozen glyph',
      'trainable',
    ]);
    expect(table.get('tr[data-metric="heldout nll"] [data-testid="study-protocol"]').text()).toBe(
      'held-out NLL, nats/token',
    );
    const cells = table.findAll('tr[data-metric="heldout nll"] [data-testid="study-cell"]');
    // Mean and CI to the CI's two significant digits; the difference signed with a true minus (issue 28 item 8).
    expect(cells.map((c) => c.text().split('Δ')[0]!.trim())).toEqual(['2.50 ± 0.13', '2.75 ± 0.25']);
    expect(cells[0]!.get('[data-testid="study-diff"]').text()).toBe('Δ −0.25 ± 0.10');
    // The verdict is in the app, not only in the exported report.
    expect(w.get('[data-testid="study-verdict"]').text()).toContain(
      'frozen glyph − trainable: −0.25 ± 0.10 (heldout nll, n = 2 seeds) — better than the control',
    );
    expect(table.get('thead').text()).toContain('control');
    // One curve per arm, the mean over the seeds that finished.
    const curves = lastSeries('study-curves');
    expect(curves.map((s) => s.name)).toEqual(['frozen glyph', 'trainable']);
    expect(curves[0]!.data).toEqual([
      [1, 5.5],
      [2, 4],
      [3, 2.5],
    ]);
    expect(w.get('[data-testid="study-curves"]').attributes('data-series')).toBe('2');
  });

  it('exports to a named folder, and reloads when the study changes', async () => {
    const detail = makeStudyDetail({
      status: 'cancelled',
      runId: 'run_s',
      runsDone: 1,
      arms: [makeArmResult('frozen glyph', 1, [5, 4], 2.4)],
      comparison: COMPARISON,
    });
    serve(transport, detail);
    transport.on('runs.get', () => studyRun({ status: 'cancelled' }));
    transport.on('studies.export', (p) => ({
      path: `/w/exports/${(p as { dest: string }).dest}/tiny-C1.csv`,
      files: [],
    }));
    await useStudiesStore().load('p1');
    const w = mount(StudiesView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="study-start"]').text()).toBe('Resume from run 2');

    await w.get('[data-testid="study-export-csv"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="study-export-error"]').text()).toContain('Give a folder name');
    await w.get('[data-testid="study-export-dest"]').setValue('c1');
    await w.get('[data-testid="study-export-csv"]').trigger('click');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'studies.export').map((c) => c.payload)).toEqual([
      { id: 'st1', dest: 'c1', format: 'csv' },
    ]);

    serve(transport, { ...detail, status: 'done', runsDone: 4 });
    const gets = transport.calls.filter((c) => c.channel === 'studies.get').length;
    transport.emit('studies.changed', { projectId: 'p1', studyId: 'st1' });
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'studies.get').length).toBe(gets + 1);
    expect(w.get('[data-testid="study-row"]').attributes('data-status')).toBe('done');
    expect(w.get('[data-testid="study-runs-done"]').text()).toBe('4 / 4');
  });
});
