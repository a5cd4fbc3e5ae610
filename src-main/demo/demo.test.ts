// The demo's pieces without training: eval layouts that reproduce the corpora's tokens, held-out splits, the
// substrate choice, and the claims computed from constructed numbers (held and not held).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld, mcPrompt, mcTarget, NO_ANSWER, qaDrill } from '../lab/world/index';
import type { McItem, QaItem } from '../engine/eval/index';
import { buildTokenizer } from '../engine/tokenizer/index';
import { computeClaims, EvalIndex, mergeTable } from './claims';
import { resolvePreset } from './config';
import { unionLoss } from '../lab/evaluate';
import { prepareCorpora, splitHeldOut, type DemoInputs } from '../lab/inputs';
import { chooseSubstrate } from './pipeline';
import { WORLD_MC_LAYOUT, worldQaLayout, worldTranslationLayout } from '../lab/layouts';
import { claimVerdict } from './report';
import type { DemoEval, DemoModelRef } from './types';

const dir = mkdtempSync(join(tmpdir(), 'espalier-demo-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('world prompt layouts', () => {
  const world = generateWorld({ seed: 2, scale: 'quick' });
  const tok = buildTokenizer([world.corpora['en-ru'].train, world.corpora['en-zh'].train], { ngrams: 300 });
  const concat = (a: Int32Array, b: Int32Array) => Int32Array.from([...a, ...b]);

  it('QA: prompt tokens + answer tokens are exactly the tokens of the drill the corpora contain', () => {
    for (const lang of ['en', 'ru', 'zh'] as const) {
      const p = world.qa[lang].data[0]!.paragraphs[0]!;
      const q = p.qas.find((x) => !x.is_impossible)!;
      const item: QaItem = {
        id: q.id,
        file: 'mem',
        line: 1,
        context: p.context,
        question: q.question,
        answers: [q.answers[0]!.text],
        impossible: false,
      };
      const drill = qaDrill(lang, p.context, [{ question: q.question, answer: q.answers[0]!.text }]);
      const prompt = worldQaLayout(lang).prompt(item);
      expect(drill.startsWith(prompt)).toBe(true);
      expect(Array.from(concat(tok.encode(prompt), tok.encode(q.answers[0]!.text)))).toEqual(
        Array.from(tok.encode(drill)),
      );
      expect(worldQaLayout(lang).noAnswer).toBe(NO_ANSWER[lang]);
    }
    expect(worldQaLayout('en').template).toBe('{context}\\nQuestion: {question}\\nAnswer: ');
    expect(worldQaLayout('zh').template).toBe('{context}\\n问题：{question}\\n答案：');
  });

  it('multiple choice: the drill layout, and loglik continuations " A" … " D"', () => {
    const m = world.meta.mc[0]!;
    const item: McItem = {
      id: 'x:1',
      file: 'mem',
      line: 1,
      question: m.question,
      choices: [...m.options],
      labels: ['A', 'B', 'C', 'D'],
      answer: 0,
      template: 'mmlu',
    };
    expect(WORLD_MC_LAYOUT.prompt(item) + mcTarget(m.answer)).toBe(`${mcPrompt(m.question, m.options)} ${m.answer}`);
    expect([0, 1, 2, 3].map((k) => WORLD_MC_LAYOUT.choice!(item, k))).toEqual(['A', 'B', 'C', 'D']);
  });

  it('translation: "EN: <source>\\nRU: " then the reference, as the parallel passages', () => {
    const t = world.meta.translationItems['en-zh'][0]!;
    const prompt = worldTranslationLayout().prompt(t.src, { src: 'en', tgt: 'zh' });
    expect(prompt).toBe(`EN: ${t.src}\nZH: `);
    expect(() => worldTranslationLayout().prompt('x', { src: 'en', tgt: 'de' })).toThrow(/ru or zh/);
  });
});

describe('inputs and presets', () => {
  it('holds out the last tenth at a line start', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const { train, val } = splitHeldOut(text, 0.1);
    expect(train + val).toBe(text);
    expect(val.startsWith('line ')).toBe(true);
    expect(val.length / text.length).toBeGreaterThan(0.05);
    expect(val.length / text.length).toBeLessThan(0.15);
  });

  it('copies user corpora as train/held-out files named after them, and skips the world-only tasks', () => {
    const a = join(dir, 'faq.ru.txt');
    writeFileSync(a, 'Привет, мир.\n'.repeat(400));
    writeFileSync(join(dir, 'tiny.txt'), 'x');
    const inputs = prepareCorpora(join(dir, 'c'), a, a);
    expect(inputs.corpora.map((c) => [c.name, c.expert])).toEqual([
      ['faq.ru', 'A'],
      ['faq.ru-2', 'B'],
    ]);
    expect(readFileSync(inputs.corpora[0]!.train, 'utf8') + readFileSync(inputs.corpora[0]!.val, 'utf8')).toBe(
      'Привет, мир.\n'.repeat(400),
    );
    expect(inputs.world).toBeNull();
    expect(inputs.skipped.join(' ')).toMatch(/QA.*multiple choice.*BLEU/);
    expect(() => prepareCorpora(join(dir, 'd'), a, join(dir, 'tiny.txt'))).toThrow(/too little/);
  });

  it('lays overrides on a preset and checks steps against stages', () => {
    expect(resolvePreset('quick', { steps: [1, 2, 3], eval: { mcRuns: 1 } })).toMatchObject({
      steps: [1, 2, 3],
      eval: { mcRuns: 1, qaPaper: resolvePreset('quick').eval.qaPaper },
    });
    expect(() => resolvePreset('quick', { steps: [1] })).toThrow(/1 step counts for 3 stages/);
  });
});

function ev(model: string, key: string, metrics: Record<string, number>, n = 100): DemoEval {
  const [task, rest] = key.split('-');
  return {
    model,
    key,
    task: task!.split(':')[0]!,
    protocol: rest?.split(':')[0] ?? 'loglik',
    dataset: 'd',
    data: '/d',
    datasetSha256: '0'.repeat(64),
    n,
    metrics,
    ci95: null,
    runs: 1,
    seed: 0,
    settings: {},
    seconds: 0,
  };
}

describe('claims', () => {
  const inputs = {
    source: 'world',
    corpora: [
      { name: 'en-ru', expert: 'RU' },
      { name: 'en-zh', expert: 'ZH' },
    ],
    world: {},
    skipped: [],
  } as unknown as DemoInputs;
  const stage = (expert: string, depth: number): DemoModelRef => ({
    name: `${expert} d${depth}`,
    kind: 'stage',
    expert,
    depth,
    dir: `/${expert}${depth}`,
  });
  const models: DemoModelRef[] = [
    stage('RU', 1),
    stage('RU', 2),
    stage('RU', 3),
    stage('ZH', 1),
    stage('ZH', 2),
    stage('ZH', 3),
    { name: 'merge (logits)', kind: 'merge', expert: null, depth: 3, dir: '/m' },
    { name: 'merge (probs)', kind: 'merge', expert: null, depth: 3, dir: '/p' },
  ];

  /** own/other losses per model, QA accuracy per model. */
  function evals(loss: Record<string, [number, number]>, qa: Record<string, number>): DemoEval[] {
    const out: DemoEval[] = [];
    for (const [m, [ru, zh]] of Object.entries(loss)) {
      out.push(ev(m, 'ppl:en-ru', { nll: ru }), ev(m, 'ppl:en-zh', { nll: zh }));
      out.push(unionLoss(out, m, ['en-ru', 'en-zh'])!);
      for (const l of ['en', 'ru', 'zh']) out.push(ev(m, `qa-paper:${l}`, { acc: qa[m] ?? 0 }, 10));
    }
    return out;
  }

  it('all four hold on numbers that show them', () => {
    const loss: Record<string, [number, number]> = {
      'RU d1': [3, 6],
      'RU d2': [2.5, 6],
      'RU d3': [2, 6],
      'ZH d1': [6, 3.2],
      'ZH d2': [6, 2.6],
      'ZH d3': [6, 2.1],
      'merge (logits)': [3, 3.1],
      'merge (probs)': [2.7, 2.8],
    };
    const c = computeClaims(
      models,
      new EvalIndex(
        evals(loss, { 'RU d1': 0, 'RU d2': 0.1, 'RU d3': 0.3, 'ZH d1': 0.05, 'ZH d2': 0.05, 'ZH d3': 0.2 }),
      ),
      inputs,
    );
    expect([
      c.deeperIsBetter.holds,
      c.qaRisesWithDepth.holds,
      c.expertsBestOnOwnLanguage.holds,
      c.mergeBeatsExpertsOnUnion.holds,
    ]).toEqual([true, true, true, true]);
    expect(c.deeperIsBetter.statement).toContain('RU 3.0000 → 2.5000 → 2.0000');
    expect(c.mergeBeatsExpertsOnUnion.numbers['merges']).toEqual([
      { model: 'merge (logits)', loss: 3.05, beatsEachExpert: true },
      { model: 'merge (probs)', loss: 2.75, beatsEachExpert: true },
    ]);
  });

  it('says which did not hold', () => {
    const loss: Record<string, [number, number]> = {
      'RU d1': [3, 6],
      'RU d2': [3.1, 6],
      'RU d3': [2, 6],
      'ZH d1': [6, 3.2],
      'ZH d2': [6, 2.6],
      'ZH d3': [1.9, 2.1],
      'merge (logits)': [4, 4],
      'merge (probs)': [2.7, 2.8],
    };
    const c = computeClaims(models, new EvalIndex(evals(loss, {})), inputs);
    expect(c.deeperIsBetter.holds).toBe(false);
    expect(c.deeperIsBetter.numbers['strictlyFalling']).toEqual({ RU: false, ZH: true });
    expect(c.qaRisesWithDepth.holds).toBe(false);
    expect(c.expertsBestOnOwnLanguage.holds).toBe(false);
    expect(c.mergeBeatsExpertsOnUnion.holds).toBe(false);
    const t = mergeTable([models[2]!, models[5]!, models[6]!], new EvalIndex(evals(loss, {})), inputs);
    expect(t.columns.slice(0, 4)).toEqual(['model', 'loss en-ru', 'loss en-zh', 'loss union']);
    expect(t.rows[2]!.slice(0, 4)).toEqual(['merge (logits)', 4, 4, 4]);
  });

  it('marks the QA claim not measured without a world', () => {
    const c = computeClaims(models, new EvalIndex([]), { ...inputs, world: null });
    expect(c.qaRisesWithDepth).toMatchObject({
      holds: null,
      statement: 'not measured: the user corpora have no QA set',
    });
  });

  it('sums up plainly which claims did not hold', () => {
    const claim = (holds: boolean | null) => ({ holds, statement: '', numbers: {} });
    const verdict = claimVerdict({
      claims: {
        deeperIsBetter: claim(true),
        qaRisesWithDepth: claim(null),
        expertsBestOnOwnLanguage: claim(true),
        mergeBeatsExpertsOnUnion: claim(false),
      },
    });
    expect(verdict).toBe(
      '2 of 4 claims held. Did not hold: The merge beats each expert on the union of both held-out sets. Not measured: QA accuracy rises with depth.',
    );
  });
});

describe('the substrate choice', () => {
  it('falls back to binary-id without a font, saying in one line what it did and how to get the glyph substrate', () => {
    const c = chooseSubstrate(undefined, { dirs: [join(dir, 'no-fonts-here')], trees: [] });
    expect(c.kind).toBe('binary-id');
    expect(c.font).toBeNull();
    expect(c.note).not.toContain('\n');
    expect(c.note).toMatch(/^used the binary-id substrate because no GNU Unifont was found; .*`espalier font install`/);
  });

  it('takes the glyph substrate from a Unifont found in the search folders', () => {
    const fonts = join(dir, 'fonts');
    mkdirSync(fonts, { recursive: true });
    writeFileSync(join(fonts, 'unifont.hex'), '0041:0000000018242442427E424242420000\n');
    expect(chooseSubstrate(undefined, { dirs: [fonts], trees: [] })).toMatchObject({
      kind: 'glyph',
      font: join(fonts, 'unifont.hex'),
    });
  });
});
