// The comparison table's model: columns by task + dataset + protocol, the newest result per cell, intervals
// from the protocol's own spread or the accuracy's standard error, filters, and the degenerate flag.
import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../../src-shared/domain';
import {
  applyFilters,
  buildMatrix,
  degenerateFlag,
  interval,
  leftOutSummary,
  NO_FILTERS,
  protocolLabel,
} from './matrix';

let seq = 0;
function result(p: Partial<EvalResult>): EvalResult {
  seq++;
  return {
    id: `ev${seq}`,
    modelId: 'a',
    runId: 'r1',
    task: 'mc',
    protocol: 'loglik',
    datasetName: 'mmlu',
    datasetSha256: 'f'.repeat(64),
    n: 16,
    metrics: { acc: 0.25 },
    ci95: null,
    runs: 1,
    seed: 1,
    createdAt: `2026-12-04T10:00:${String(seq).padStart(2, '0')}.000Z`,
    ...p,
  };
}

describe('buildMatrix', () => {
  it('puts models in rows and task + dataset + protocol in columns, the newest result in each cell', () => {
    const old = result({ modelId: 'a', metrics: { acc: 0.1 } });
    const rs = [
      old,
      result({ modelId: 'b', metrics: { acc: 0.5 } }),
      result({ modelId: 'a', metrics: { acc: 0.3125, acc_stderr: 0.1197 } }),
      result({ modelId: 'a', protocol: 'paper', metrics: { acc: 0.17, std: 0.21 }, ci95: 0.13, runs: 10 }),
      result({ modelId: 'b', task: 'ppl', datasetName: 'en-ru held-out', metrics: { ppl: 41.7 }, n: 5000 }),
    ];
    const m = buildMatrix(rs, ['b', 'a']);
    expect(m.columns.map((c) => [c.task, c.dataset, c.protocolLabel, c.metric])).toEqual([
      ['mc', 'mmlu', 'loglik (harness)', 'acc'],
      ['mc', 'mmlu', 'paper (sampled runs)', 'acc'],
      ['ppl', 'en-ru held-out', 'loglik (rolling windows)', 'ppl'],
    ]);
    expect(m.rows.map((r) => r.modelId)).toEqual(['b', 'a']);
    const a = m.rows[1]!.cells;
    expect(a[0]).toMatchObject({ value: 0.3125, older: 1 });
    expect(a[0]!.ci).toBeCloseTo(1.96 * 0.1197, 12);
    expect(a[1]).toMatchObject({ value: 0.17, ci: 0.13 });
    expect(a[2]).toBeNull();
    expect(m.rows[0]!.cells[2]).toMatchObject({ value: 41.7, ci: null });
  });
});

describe('interval', () => {
  it("uses the paper's 1.96σ/√runs, the harness's stderr, or the binomial standard error — never one for perplexity", () => {
    expect(interval(result({ ci95: 0.13, runs: 10 }), 'acc')).toMatchObject({ ci: 0.13 });
    // acc_norm has no recorded stderr: 1.96·√(p(1−p)/(n−1)) with p = 0.25, n = 16.
    expect(interval(result({ metrics: { acc: 0.25, acc_norm: 0.25 } }), 'acc_norm').ci).toBeCloseTo(
      1.96 * Math.sqrt(0.1875 / 15),
      12,
    );
    expect(interval(result({ task: 'ppl', metrics: { ppl: 12 } }), 'ppl').ci).toBeNull();
    expect(interval(result({ task: 'qa', metrics: { f1: 40 } }), 'f1').ci).toBeNull();
  });
});

describe('filters and labels', () => {
  it('filter by model, task, protocol and dataset', () => {
    const rs = [
      result({ modelId: 'a' }),
      result({ modelId: 'b', task: 'qa', protocol: 'paper', datasetName: 'qa en' }),
      result({ modelId: 'b', datasetName: 'arc' }),
    ];
    expect(applyFilters(rs, NO_FILTERS)).toHaveLength(3);
    expect(applyFilters(rs, { ...NO_FILTERS, modelIds: ['b'] })).toHaveLength(2);
    expect(applyFilters(rs, { ...NO_FILTERS, task: 'qa' }).map((r) => r.datasetName)).toEqual(['qa en']);
    expect(applyFilters(rs, { ...NO_FILTERS, protocol: 'loglik', dataset: 'arc' })).toHaveLength(1);
    expect(protocolLabel('qa', 'loglik')).toBe('SQuAD v2 official (greedy)');
  });

  it('say what was left out and how many outputs were degenerate', () => {
    const r = result({
      task: 'qa',
      metrics: { exact: 17.7, f1: 17.7, NoAns_exact: 100, HasAns_exact: 0 },
      report: {
        inFile: 62,
        scored: 62,
        steps: [{ step: 'prompt-cut', effect: 'changed', reason: "prompt longer than the model's context", count: 3 }],
        degenerate: {
          rule: 'r',
          groups: [
            { group: 'all', outputs: 62, degenerate: 62, byKind: { 'stop-words': 62 } },
            { group: 'NoAns', outputs: 11, degenerate: 11, byKind: { 'stop-words': 11 } },
          ],
        },
      },
    });
    expect(degenerateFlag(r)).toBe('62/62 outputs degenerate · NoAns 11/11');
    expect(leftOutSummary(r)).toBe("62 in file · 62 scored · 3 prompt longer than the model's context");
    const paper = result({
      task: 'qa',
      protocol: 'paper',
      report: {
        inFile: 8,
        scored: 5,
        steps: [{ step: 'unanswerable', effect: 'dropped', reason: 'unanswerable', count: 3 }],
        degenerate: null,
      },
    });
    expect(leftOutSummary(paper)).toBe('8 in file · 5 scored · 3 left out: 3 unanswerable');
    expect(degenerateFlag(paper)).toBeNull();
  });
});
