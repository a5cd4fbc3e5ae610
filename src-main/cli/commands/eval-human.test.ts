// The CLI's human summary of a QA result names the items left out and the degenerate outputs beside the numbers.
import { describe, expect, it } from 'vitest';
import { humanResult } from './eval';

describe('espalier eval, human output', () => {
  it('adds the item account and the degenerate share under the official metrics', () => {
    const text = humanResult({
      task: 'qa',
      protocol: 'squad',
      n: 8,
      metrics: { exact: 37.5, f1: 37.5, NoAns_exact: 100 },
      ci95: null,
      seconds: 1.5,
      modelId: 'm',
      runs: 1,
      seed: 0,
      datasetSha256: '0',
      dataset: 'qa.en.json',
      settings: {},
      createdAt: '2026-12-04T00:00:00.000Z',
      accounting: {
        inFile: 10,
        scored: 8,
        steps: [
          {
            step: 'limit',
            effect: 'dropped',
            reason: 'beyond the item limit of 8',
            items: [
              { id: 'a', line: 1 },
              { id: 'b', line: 2 },
            ],
          },
        ],
      },
      degenerate: {
        rule: 'r',
        groups: [
          { group: 'all', outputs: 8, degenerate: 8, byKind: { empty: 0, 'stop-words': 8, repetition: 0 } },
          { group: 'NoAns', outputs: 3, degenerate: 3, byKind: { empty: 0, 'stop-words': 3, repetition: 0 } },
        ],
      },
    });
    const lines = text.split('\n');
    expect(lines).toContain('items: 10 in file · 8 scored · 2 left out: 2 beyond the item limit of 8');
    expect(lines).toContain(
      '  outputs: 8/8 degenerate (8 stop-words) — the official numbers above count them as given',
    );
    expect(lines).toContain('  NoAns: 3/3 degenerate (3 stop-words) — the official numbers above count them as given');
  });
});
