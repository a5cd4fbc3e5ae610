// The summary tables (depth vs capability per expert, experts vs merges) and the four claims of the paper the demo checks,
// computed from the evaluations; a claim that did not hold says so with its numbers.
import type { DemoInputs } from '../lab/inputs';
import type { Claim, DemoClaims, DemoEval, DemoModelRef, DemoTable } from './types';

type Num = number | null;

const r4 = (x: Num): Num => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

export class EvalIndex {
  constructor(private readonly evals: readonly DemoEval[]) {}

  get(model: string, key: string): DemoEval | undefined {
    return this.evals.find((e) => e.model === model && e.key === key);
  }

  metric(model: string, key: string, name: string): Num {
    const v = this.get(model, key)?.metrics[name];
    return v === undefined || v === null ? null : v;
  }

  /** A metric pooled over several tasks, weighted by their item counts (accuracy over all the items). */
  pooled(model: string, keys: readonly string[], name: string): Num {
    let sum = 0;
    let n = 0;
    for (const k of keys) {
      const e = this.get(model, k);
      const v = e?.metrics[name];
      if (!e || v === null || v === undefined || e.n === 0) continue;
      sum += v * e.n;
      n += e.n;
    }
    return n > 0 ? sum / n : null;
  }
}

/** The language an expert's corpus adds to English ("ru" for en-ru); null for user corpora. */
export function ownLang(corpus: string): string | null {
  const m = /^en-(ru|zh)$/.exec(corpus);
  return m ? m[1]! : null;
}

function qaKeys(lang: string | null, protocol: 'paper' | 'squad'): string[] {
  return lang ? [`qa-${protocol}:en`, `qa-${protocol}:${lang}`] : [];
}

export function depthTables(models: readonly DemoModelRef[], idx: EvalIndex, inputs: DemoInputs): DemoTable[] {
  const names = inputs.corpora.map((c) => c.name);
  const world = inputs.world !== null;
  return inputs.corpora.map((c) => {
    const lang = ownLang(c.name);
    const columns = ['depth', ...names.map((n) => `loss ${n}`), 'loss union'];
    if (world)
      columns.push(
        `QA paper acc (en+${lang})`,
        `QA F1 (en+${lang})`,
        'MC loglik acc',
        'MC paper acc',
        'BLEU en-ru',
        'BLEU en-zh',
      );
    const rows = models
      .filter((m) => m.kind === 'stage' && m.expert === c.expert)
      .sort((a, b) => a.depth - b.depth)
      .map((m) => {
        const row: Num[] = [
          m.depth,
          ...names.map((n) => r4(idx.metric(m.name, `ppl:${n}`, 'nll'))),
          r4(idx.metric(m.name, 'ppl:union', 'nll')),
        ];
        if (world) {
          row.push(
            r4(idx.pooled(m.name, qaKeys(lang, 'paper'), 'acc')),
            r4(idx.pooled(m.name, qaKeys(lang, 'squad'), 'f1')),
            r4(idx.metric(m.name, 'mc-loglik', 'acc')),
            r4(idx.metric(m.name, 'mc-paper', 'acc')),
            r4(idx.metric(m.name, 'bleu:en-ru', 'bleu')),
            r4(idx.metric(m.name, 'bleu:en-zh', 'bleu')),
          );
        }
        return row;
      });
    return { title: `Depth vs capability: expert ${c.expert} (grown on ${c.name})`, columns, rows };
  });
}

export function mergeTable(compared: readonly DemoModelRef[], idx: EvalIndex, inputs: DemoInputs): DemoTable {
  const names = inputs.corpora.map((c) => c.name);
  const world = inputs.world !== null;
  const columns = ['model', ...names.map((n) => `loss ${n}`), 'loss union'];
  if (world)
    columns.push(
      'QA paper acc (en+ru+zh)',
      'QA F1 (en+ru+zh)',
      'MC loglik acc',
      'MC loglik: RU-only facts',
      'MC loglik: ZH-only facts',
      'MC paper acc',
      'BLEU en-ru',
      'BLEU en-zh',
    );
  const all = (p: 'paper' | 'squad') => ['en', 'ru', 'zh'].map((l) => `qa-${p}:${l}`);
  const rows = compared.map((m) => {
    const row: (string | Num)[] = [
      m.name,
      ...names.map((n) => r4(idx.metric(m.name, `ppl:${n}`, 'nll'))),
      r4(idx.metric(m.name, 'ppl:union', 'nll')),
    ];
    if (world) {
      const cov = idx.get(m.name, 'mc-loglik')?.byCoverage;
      row.push(
        r4(idx.pooled(m.name, all('paper'), 'acc')),
        r4(idx.pooled(m.name, all('squad'), 'f1')),
        r4(idx.metric(m.name, 'mc-loglik', 'acc')),
        r4(cov?.['en-ru']?.acc ?? null),
        r4(cov?.['en-zh']?.acc ?? null),
        r4(idx.metric(m.name, 'mc-paper', 'acc')),
        r4(idx.metric(m.name, 'bleu:en-ru', 'bleu')),
        r4(idx.metric(m.name, 'bleu:en-zh', 'bleu')),
      );
    }
    return row;
  });
  return { title: 'Experts (final depth) vs merges', columns, rows };
}

const fmt = (x: Num): string => (x === null ? '—' : x.toFixed(4));

export function computeClaims(models: readonly DemoModelRef[], idx: EvalIndex, inputs: DemoInputs): DemoClaims {
  const experts = inputs.corpora.map((c) => ({
    c,
    stages: models.filter((m) => m.kind === 'stage' && m.expert === c.expert).sort((a, b) => a.depth - b.depth),
  }));
  const finals = experts.map((e) => e.stages[e.stages.length - 1]!);

  // 1. Held-out loss on the expert's own corpus falls at every added tier.
  const losses = experts.map((e) => ({
    expert: e.c.expert,
    corpus: e.c.name,
    byDepth: e.stages.map((m) => r4(idx.metric(m.name, `ppl:${e.c.name}`, 'nll'))),
  }));
  const falls = (xs: Num[]) => xs.every((x, i) => x !== null && (i === 0 || x < xs[i - 1]!));
  const deeper = losses.map((l) => falls(l.byDepth));
  const deeperIsBetter: Claim = {
    holds: deeper.every(Boolean),
    statement: `held-out loss (nats/token) on each expert's own corpus by depth: ${losses.map((l) => `${l.expert} ${l.byDepth.map(fmt).join(' → ')}`).join('; ')}`,
    numbers: { byExpert: losses, strictlyFalling: Object.fromEntries(losses.map((l, i) => [l.expert, deeper[i]])) },
  };

  // 2. QA (paper protocol, English + the expert's language pooled) rises with depth: never falls, ends higher.
  let qaRisesWithDepth: Claim;
  if (!inputs.world) {
    qaRisesWithDepth = { holds: null, statement: 'not measured: the user corpora have no QA set', numbers: {} };
  } else {
    const qa = experts.map((e) => {
      const lang = ownLang(e.c.name);
      return {
        expert: e.c.expert,
        languages: ['en', lang],
        byDepth: e.stages.map((m) => r4(idx.pooled(m.name, qaKeys(lang, 'paper'), 'acc'))),
        f1ByDepth: e.stages.map((m) => r4(idx.pooled(m.name, qaKeys(lang, 'squad'), 'f1'))),
      };
    });
    const rises = qa.map(
      (q) =>
        q.byDepth.every((x, i) => x !== null && (i === 0 || x >= q.byDepth[i - 1]!)) &&
        q.byDepth[q.byDepth.length - 1]! > q.byDepth[0]!,
    );
    qaRisesWithDepth = {
      holds: rises.every(Boolean),
      statement: `QA accuracy (paper protocol, English + own language) by depth: ${qa.map((q) => `${q.expert} ${q.byDepth.map(fmt).join(' → ')}`).join('; ')} (EM/F1 F1: ${qa.map((q) => `${q.expert} ${q.f1ByDepth.map(fmt).join(' → ')}`).join('; ')})`,
      numbers: { byExpert: qa, rises: Object.fromEntries(qa.map((q, i) => [q.expert, rises[i]])) },
    };
  }

  // 3. Each final expert has the lower held-out loss on its own corpus than the other expert.
  const own = experts.map((e, i) => {
    const other = finals[1 - i]!;
    const mine = r4(idx.metric(finals[i]!.name, `ppl:${e.c.name}`, 'nll'));
    const theirs = r4(idx.metric(other.name, `ppl:${e.c.name}`, 'nll'));
    const merges = Object.fromEntries(
      models.filter((m) => m.kind === 'merge').map((m) => [m.name, r4(idx.metric(m.name, `ppl:${e.c.name}`, 'nll'))]),
    );
    return {
      corpus: e.c.name,
      expert: finals[i]!.name,
      loss: mine,
      otherExpert: other.name,
      otherLoss: theirs,
      merges,
      beatsMerges: Object.values(merges).every((v) => mine !== null && v !== null && mine < v),
    };
  });
  const ownWins = own.map((o) => o.loss !== null && o.otherLoss !== null && o.loss < o.otherLoss);
  const expertsBestOnOwnLanguage: Claim = {
    holds: ownWins.every(Boolean),
    statement: `held-out loss on each corpus, own expert vs the other: ${own.map((o) => `${o.corpus}: ${o.expert} ${fmt(o.loss)} vs ${o.otherExpert} ${fmt(o.otherLoss)}`).join('; ')}`,
    numbers: { byCorpus: own },
  };

  // 4. The merge (the paper's logit average) has a lower union loss than either expert.
  const union = (name: string) => r4(idx.metric(name, 'ppl:union', 'nll'));
  const expertUnion = finals.map((f) => ({ model: f.name, loss: union(f.name) }));
  const mergeUnion = models
    .filter((m) => m.kind === 'merge')
    .map((m) => ({
      model: m.name,
      loss: union(m.name),
      beatsEachExpert: expertUnion.every((x) => x.loss !== null && union(m.name) !== null && union(m.name)! < x.loss),
    }));
  const logits = mergeUnion.find((m) => /logits/.test(m.model));
  const mergeBeatsExpertsOnUnion: Claim = {
    holds: logits ? logits.beatsEachExpert : null,
    statement: `held-out loss on the union of both held-out sets: ${[...expertUnion, ...mergeUnion].map((x) => `${x.model} ${fmt(x.loss)}`).join(', ')}`,
    numbers: { experts: expertUnion, merges: mergeUnion },
  };
  return { deeperIsBetter, qaRisesWithDepth, expertsBestOnOwnLanguage, mergeBeatsExpertsOnUnion };
}
