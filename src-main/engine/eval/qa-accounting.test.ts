// QA honesty on the demo world's SQuAD-v2 files: every item the paper protocol leaves out is counted with its
// reason (the world's own statistics are the known answer), and a babbling model's official NoAns 100 is
// flagged as degenerate without changing the official number.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, type World } from '../../lab/world/generate';
import { boostedBigrams, CharTokenizer } from '../../../test/support/eval';
import { initBackend } from '../backend';
import type { QaItem } from './data-types';
import { answerWords, degenerateKind } from './degenerate';
import { describeAccounting } from './item-filter';
import { loadSquad } from './load-squad';
import { evalQaPaper, evalQaSquad, paperQaFilter } from './qa';
import { runEval } from './run';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:?!)(\n'-");
const { bigram, disposeAll } = boostedBigrams(tok, 1024);
/** After "Answer:" this model says " the the the …" forever: never a line break. */
const babbler = (): ReturnType<typeof bigram> =>
  bigram([
    [':', ' ', 40],
    [' ', 't', 40],
    ['t', 'h', 40],
    ['h', 'e', 40],
    ['e', ' ', 40],
  ]);

let world: World;
const files: Record<string, string> = {};
let en: QaItem[];
/** The Russian file of this world has answers longer than the paper's 8 characters. */
let ru: QaItem[];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  world = generateWorld({ seed: 3, scale: 'quick', qaParagraphs: 12 });
  const dir = mkdtempSync(join(tmpdir(), 'espalier-qa-acct-'));
  for (const lang of ['en', 'ru', 'zh'] as const) {
    files[lang] = join(dir, `qa.${lang}.json`);
    writeFileSync(files[lang]!, JSON.stringify(world.qa[lang]));
  }
  en = loadSquad(files['en']!);
  ru = loadSquad(files['ru']!);
});
afterAll(disposeAll);

describe("the paper protocol's filter, step by step", () => {
  it('drops exactly the unanswerable and long-answer questions the world made, each with its reason', () => {
    for (const lang of ['en', 'ru', 'zh'] as const) {
      const items = loadSquad(files[lang]!);
      const st = world.stats.qa[lang];
      const { kept, steps } = paperQaFilter(items);
      const count = (step: string): number => steps.find((s) => s.step === step)?.items.length ?? 0;
      expect(items.length).toBe(st.questions);
      expect(count('unanswerable')).toBe(st.impossible);
      expect(count('long-answer')).toBe(st.questions - st.impossible - st.answersUpTo8Chars);
      expect(kept.length).toBe(st.answersUpTo8Chars);
      expect(st.impossible).toBeGreaterThan(0);
      // Every dropped item is named once, by id and line.
      const named = steps.flatMap((s) => s.items.map((x) => x.id));
      expect(new Set(named).size).toBe(items.length - kept.length);
      for (const s of steps) for (const x of s.items) expect(items.find((it) => it.id === x.id)!.line).toBe(x.line);
    }
  });

  it('reports the items the limit leaves out beside the ineligible ones; "skipped" counts the ineligible', async () => {
    const st = world.stats.qa.ru;
    expect(st.questions - st.impossible - st.answersUpTo8Chars).toBeGreaterThan(0);
    const r = await evalQaPaper({ model: babbler(), tokenizer: tok }, ru, { runs: 2, limit: 4 });
    expect(r.n).toBe(4);
    expect(r.metrics['eligible']).toBe(st.answersUpTo8Chars);
    expect(r.metrics['skipped']).toBe(st.questions - st.answersUpTo8Chars);
    const acct = r.accounting!;
    expect(acct.inFile).toBe(st.questions);
    expect(acct.scored).toBe(4);
    const dropped = acct.steps.filter((s) => s.effect === 'dropped');
    expect(dropped.map((s) => s.step)).toEqual(['unanswerable', 'long-answer', 'limit']);
    expect(dropped.reduce((a, s) => a + s.items.length, 0)).toBe(st.questions - 4);
    expect(dropped[2]!.reason).toBe('beyond the item limit of 4');
    expect(describeAccounting(acct)).toMatch(
      new RegExp(`^${st.questions} in file · 4 scored · ${st.questions - 4} left out: ${st.impossible} unanswerable`),
    );
  });

  it('runEval applies the limit after the filter and carries the accounting into the saved result', async () => {
    const r = await runEval(
      { model: babbler(), tokenizer: tok },
      { task: 'qa', protocol: 'paper', data: files['ru']!, limit: 3, runs: 1 },
      { modelId: 'm' },
    );
    expect(r.n).toBe(3);
    expect(r.accounting!.steps.map((s) => s.step)).toEqual(['unanswerable', 'long-answer', 'limit']);
    expect(r.degenerate!.groups[0]).toMatchObject({ group: 'all', outputs: 3 });
  });
});

describe('degenerate outputs beside the official metric', () => {
  it("the world's gold answers are real answers: none is flagged", () => {
    for (const lang of ['en', 'ru', 'zh'] as const) {
      const golds = loadSquad(files[lang]!).flatMap((it) => it.answers);
      expect(golds.length).toBeGreaterThan(10);
      expect(golds.filter((g) => degenerateKind(g) !== null)).toEqual([]);
    }
  });

  it('names the kind: empty, only stop words, repetition (a distinct-word share of at most one half)', () => {
    expect(degenerateKind('')).toBe('empty');
    expect(degenerateKind(' .,!? ')).toBe('empty');
    expect(degenerateKind('the the the')).toBe('stop-words');
    expect(degenerateKind('и в на')).toBe('stop-words');
    expect(degenerateKind('的的的')).toBe('stop-words');
    expect(degenerateKind('Moscow Moscow Moscow')).toBe('repetition');
    expect(degenerateKind('北京北京北京')).toBe('repetition');
    expect(degenerateKind('a cat a cat')).toBe('repetition');
    expect(degenerateKind('Moscow')).toBeNull();
    expect(degenerateKind('the Moscow river')).toBeNull();
    expect(degenerateKind('New York, New York!')).toBe('repetition');
    expect(answerWords('Он живёт в «Москве».')).toEqual(['он', 'живёт', 'в', 'москве']);
    expect(answerWords('他住在北京')).toEqual(['他', '住', '在', '北', '京']);
  });

  it('SQuAD v2: "the the the" keeps its official NoAns 100, and every output is flagged', async () => {
    const r = await evalQaSquad({ model: babbler(), tokenizer: tok }, en, { maxNewTokens: 12 });
    const st = world.stats.qa.en;
    // The official script normalises "the the the" to "", the answer of every unanswerable question.
    expect(r.metrics['NoAns_exact']).toBe(100);
    expect(r.metrics['NoAns_f1']).toBe(100);
    expect(r.metrics['HasAns_exact']).toBe(0);
    expect(r.metrics['NoAns_total']).toBe(st.impossible);
    const groups = Object.fromEntries(r.degenerate!.groups.map((g) => [g.group, g]));
    expect(groups['all']).toMatchObject({ outputs: st.questions, degenerate: st.questions });
    expect(groups['NoAns']).toMatchObject({
      outputs: st.impossible,
      degenerate: st.impossible,
      byKind: { 'stop-words': st.impossible },
    });
    expect(groups['HasAns']!.degenerate).toBe(st.questions - st.impossible);
    expect((r.items as { pred: string; degenerate: string }[])[0]).toMatchObject({
      pred: 'the the the',
      degenerate: 'stop-words',
    });
    expect(r.accounting).toEqual({ inFile: st.questions, scored: st.questions, steps: [] });
  });

  it('SQuAD v2 with a limit: the items beyond it are reported, the rest scored', async () => {
    const r = await evalQaSquad({ model: babbler(), tokenizer: tok }, en, { maxNewTokens: 4, limit: 5 });
    expect(r.n).toBe(5);
    expect(r.accounting!.steps).toHaveLength(1);
    expect(r.accounting!.steps[0]).toMatchObject({ step: 'limit', effect: 'dropped' });
    expect(r.accounting!.steps[0]!.items).toHaveLength(en.length - 5);
  });

  it('a prompt longer than the context is reported as cut, with the items it touched', async () => {
    const { bigram: small, disposeAll: freeSmall } = boostedBigrams(tok, 48);
    try {
      const m = small([[':', ' ', 40]]);
      const r = await evalQaSquad({ model: m, tokenizer: tok }, en.slice(0, 3), { maxNewTokens: 2 });
      const cut = r.accounting!.steps.find((s) => s.step === 'prompt-cut')!;
      expect(cut.effect).toBe('changed');
      expect(cut.items.map((x) => x.id)).toEqual(en.slice(0, 3).map((it) => it.id));
    } finally {
      freeSmall();
    }
  });
});
