// End to end on files: runEval tags results with their provenance, saves them beside the model, and the
// comparison and depth-vs-score tables line models up.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { BigramLM } from '../../../test/oracles/bigram';
import { depthVsScore, evaluateModels } from './compare';
import { comparisonTable, formatTable, resultFileName, saveResult, summary } from './results';
import { runEval } from './run';
import { CharTokenizer } from '../../../test/support/eval';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:?!)\n'-");
const V = tok.size;
const dir = mkdtempSync(join(tmpdir(), 'espalier-eval-results-'));
const models: BigramLM[] = [];

beforeAll(async () => {
  // The pure-JS backend: deterministic and available everywhere.
  await initBackend({ backend: 'cpu' });
});
afterAll(() => {
  models.forEach((m) => m.dispose());
  rmSync(dir, { recursive: true, force: true });
});

/** A bigram model that after ":" says " " and then `letter`. */
function answers(letter: string): BigramLM {
  const t = new Float32Array(V * V);
  t[tok.idOf(':') * V + tok.idOf(' ')] = 30;
  t[tok.idOf(' ') * V + tok.idOf(letter)] = 30;
  const m = new BigramLM(t, { contextLength: 128, tokenizerId: tok.id });
  models.push(m);
  return m;
}

const csv = join(dir, 'toy_test.csv');
writeFileSync(csv, 'one?,a,b,c,d,A\ntwo?,a,b,c,d,B\nthree?,a,b,c,d,A\n"four, with comma?",a,b,c,d,C\n');

describe('runEval and saved results', () => {
  it('returns {task, protocol, n, metrics, ci95, seconds} tagged with model, runs, seed and dataset hash', async () => {
    const r = await runEval(
      { model: answers('A'), tokenizer: tok },
      { task: 'mc', protocol: 'paper', data: csv, runs: 3, seed: 5 },
      { modelId: 'model-a' },
    );
    expect(r).toMatchObject({
      task: 'mc',
      protocol: 'paper',
      n: 4,
      runs: 3,
      seed: 5,
      modelId: 'model-a',
      dataset: 'toy_test.csv',
    });
    expect(r.datasetSha256).toMatch(/^[0-9a-f]{64}$/);
    // MMLU template, 1 token: after ":" the model says " " then "A"; the leading space does not count, so "A"
    // is the generated token (the literal 1-token protocol would score 0 here), right on 2 of the 4 items.
    expect(r.metrics['acc']).toBe(0.5);
    expect(r.ci95).toBe(0);
    expect(r.seconds).toBeGreaterThanOrEqual(0);
    const loglik = await runEval(
      { model: answers('A'), tokenizer: tok },
      { task: 'mc', data: csv, limit: 2 },
      { modelId: 'model-a' },
    );
    expect(loglik.protocol).toBe('loglik');
    expect(loglik.n).toBe(2);
    expect(loglik.limit).toBe(2);
    expect(loglik.ci95).toBeNull();
  });
  it('rejects a protocol the task does not have', async () => {
    await expect(
      runEval({ model: answers('A'), tokenizer: tok }, { task: 'mc', protocol: 'squad', data: csv }, { modelId: 'm' }),
    ).rejects.toThrow('task mc has no protocol "squad" (choose loglik or paper)');
  });
  it('saves evals/<task>-<protocol>-<hash8>.json beside the model atomically, and reads them back', async () => {
    const modelDir = join(dir, 'model-a');
    const r = await runEval({ model: answers('A'), tokenizer: tok }, { task: 'mc', data: csv }, { modelId: 'model-a' });
    const path = saveResult(modelDir, r);
    expect(path).toBe(join(modelDir, 'evals', resultFileName(r)));
    expect(resultFileName(r)).toMatch(/^mc-loglik-[0-9a-f]{8}\.json$/);
    // Same measurement → same file; another seed or limit → another file.
    expect(saveResult(modelDir, { ...r, seconds: 9 })).toBe(path);
    expect(resultFileName({ ...r, limit: 1 })).not.toBe(resultFileName(r));
    expect(readdirSync(join(modelDir, 'evals'))).toHaveLength(1);
    const back = JSON.parse(readFileSync(path, 'utf8')) as typeof r;
    expect(back.metrics).toEqual(r.metrics);
    expect(back.items).toHaveLength(4);
    expect('items' in summary(r)).toBe(false);
  });
});

describe('tables', () => {
  it('compares models on the same data', async () => {
    const lines = join(dir, 'arc.jsonl');
    writeFileSync(
      lines,
      [
        '{"question": "q1", "choices": ["x", "y"], "answer": "A"}',
        '{"question": "q2", "choices": ["x", "y"], "answer": "B"}',
        '{"question": "q3", "choices": ["x", "y"], "answer": "B"}',
      ].join('\n'),
    );
    const results = await evaluateModels(
      [
        { model: answers('A'), modelId: 'says-A' },
        { model: answers('B'), modelId: 'says-B' },
      ],
      tok,
      { task: 'mc', protocol: 'paper', data: lines, runs: 2 },
    );
    expect(results.map((r) => r.metrics['acc'])).toEqual([1 / 3, 2 / 3]);
    expect(results[0]!.datasetSha256).toBe(results[1]!.datasetSha256);
    const t = comparisonTable(results);
    expect(t.columns).toEqual(['model', 'task', 'protocol', 'n', 'acc', 'std', 'ci95']);
    expect(t.rows[1]!.slice(0, 5)).toEqual(['says-B', 'mc', 'paper', 3, 2 / 3]);
    const text = formatTable(t);
    expect(text.split('\n')[0]).toMatch(/^model\s+task\s+protocol\s+n\s+acc\s+std\s+ci95$/);
    expect(text).toContain('says-B  mc    paper     3  0.6667  0.0000  0.0000');
  });
  it('lines up growth stages by depth', async () => {
    const rows = await depthVsScore(
      [
        { depth: 2, model: answers('B') },
        { depth: 1, model: answers('A') },
      ],
      tok,
      { task: 'mc', protocol: 'paper', data: join(dir, 'arc.jsonl'), runs: 1 },
    );
    expect(rows.map((r) => [r.depth, r.result.modelId, r.result.metrics['acc']])).toEqual([
      [1, 'depth-1', 1 / 3],
      [2, 'depth-2', 2 / 3],
    ]);
  });
});
