// Issue 28 item 15: a translation cell in Evaluate shows the standard corpus BLEU and chrF beside the paper's
// BLEU, and flags degenerate outputs (wrong script included) as QA cells do.
import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../../src-shared/domain';
import { buildMatrix, standardScores } from './matrix';

const bleu: EvalResult = {
  id: 'e1',
  modelId: 'a',
  runId: 'r1',
  task: 'bleu',
  protocol: 'paper',
  datasetName: 'en-ru',
  datasetSha256: 'f'.repeat(64),
  n: 40,
  metrics: { bleu: 2.05, std: 0.85, corpus_bleu: 0.41, chrf: 12.3, sentence_bleu_mean: 1.1 },
  ci95: 0.53,
  runs: 10,
  seed: 1,
  createdAt: '2026-12-07T10:00:00.000Z',
  report: {
    inFile: 40,
    scored: 40,
    steps: [],
    degenerate: {
      rule: 'r',
      groups: [
        {
          group: 'all',
          outputs: 400,
          degenerate: 400,
          byKind: { empty: 0, 'stop-words': 0, repetition: 0, 'wrong-script': 400 },
        },
      ],
    },
  },
};

describe('translation cells', () => {
  it('carry the standard BLEU and chrF and the degenerate flag', () => {
    const cell = buildMatrix([bleu], ['a']).rows[0]!.cells[0]!;
    expect(cell.value).toBe(2.05);
    expect(cell.ci).toBe(0.53);
    expect(cell.standard).toBe('standard BLEU 0.41 · chrF 12.30');
    expect(cell.flag).toBe('400/400 outputs degenerate');
  });
  it('other tasks have no standard line', () => {
    expect(standardScores({ task: 'qa', metrics: { chrf: 1 } })).toBeNull();
  });
});
