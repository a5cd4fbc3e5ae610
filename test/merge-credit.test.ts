// The merge token view's rule (src-shared/merge-credit.ts) on cases with a known answer: hand-computed shares,
// and two real count-based experts where one is fitted to the text being shown and the other to another script.
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src-main/engine/backend';
import { contributions } from '../src-main/engine/compose/preview';
import { creditOf } from '../src-shared/merge-credit';
import { BigramLM } from './oracles/bigram';

await initBackend({ backend: 'wasm', threads: 1 });

describe('creditOf', () => {
  it('credits the expert that gave the actual next token more probability, with its share of the total', () => {
    // The case: "пакет" with ru 2.4 % and zh 0.0 % belongs to the RU expert, all of the share.
    expect(creditOf([0.024, 0])).toEqual({ expert: 0, share: 1 });
    const c = creditOf([0.2, 0.6]);
    expect(c.expert).toBe(1);
    expect(c.share).toBeCloseTo(0.75, 12);
    expect(creditOf([0.1, 0.3, 0.6])).toEqual({ expert: 2, share: 0.6 });
    // A tie goes to the first expert at an even share; nothing at all is an even split too.
    expect(creditOf([0.3, 0.3])).toEqual({ expert: 0, share: 0.5 });
    expect(creditOf([0, 0])).toEqual({ expert: 0, share: 0.5 });
  });
});

describe('the rule on two experts, one fitted to the text', () => {
  const ru = 'пакет пакеты пакетов установка пакета менеджер пакетов система пакетов дебиан пакет установлен ';
  const zh = '软件包管理系统安装软件包的方法软件包维护者的指南发行版的软件包 ';
  const sample = 'установка пакета';
  const chars = [...new Set([...ru, ...zh, ...sample])];
  const ids = (s: string) => Int32Array.from([...s], (ch) => chars.indexOf(ch));
  const ruExpert = BigramLM.fit([ids(ru.repeat(3))], chars.length, { alpha: 0.1 });
  const zhExpert = BigramLM.fit([ids(zh.repeat(3))], chars.length, { alpha: 0.1 });
  afterAll(() => [ruExpert, zhExpert].forEach((m) => m.dispose()));

  it('credits every Russian token to the expert fitted on Russian, whichever order the experts come in', async () => {
    for (const order of [
      [ruExpert, zhExpert],
      [zhExpert, ruExpert],
    ] as const) {
      const ruIndex = order.indexOf(ruExpert);
      const rows = await contributions(order, 'logits', ids(sample));
      expect(rows).toHaveLength([...sample].length - 1);
      for (const r of rows) {
        const c = creditOf(r.expertProbs);
        expect(c.expert, `token "${chars[r.token]}"`).toBe(ruIndex);
        expect(c.share).toBeGreaterThan(0.5);
        expect(c.share).toBeCloseTo(r.expertProbs[ruIndex]! / (r.expertProbs[0]! + r.expertProbs[1]!), 6);
      }
    }
  });

  it('credits Chinese text to the expert fitted on Chinese', async () => {
    const rows = await contributions([ruExpert, zhExpert], 'logits', ids('软件包的方法'));
    expect(rows.map((r) => creditOf(r.expertProbs).expert)).toEqual([1, 1, 1, 1, 1]);
  });
});
