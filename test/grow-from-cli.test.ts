// `espalier grow --from DIR` through the real CLI: a trained folder grows one more tier whose lower blocks are the
// source's to the bit, reports insertion and held-out losses, records its parent, loads and generates; a second
// call resumes (nothing left); options the folder fixes are refused in one line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSubstrate } from '../src-main/engine/substrate/index';
import { buildTokenizer, saveTokenizer } from '../src-main/engine/tokenizer/index';
import { openSafetensors } from '../src-main/engine/util/safetensors';
import { runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { randomSubstrate } from './support/model';
import { CPU_ONE_THREAD, inputArgs, shapeArgs, randomSubstrateCli } from './helpers/cli-inputs';

let dir: string;
const p = (n: string): string => join(dir, n);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-grow-from-'));
  const text = corpusText('en.txt').slice(0, 30_000);
  writeFileSync(p('data.txt'), text);
  const tok = buildTokenizer([text], { ngrams: 80 });
  saveTokenizer(tok, p('vocab.json'));
  saveSubstrate(p('sub.safetensors'), randomSubstrate(tok.size, 32, 3, tok.id));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Peak {
  peakRssBytes: number;
  planBytes: number;
}

interface GrowJson {
  stages: {
    depth: number;
    steps: number;
    params: { trainable: number; frozenBlocks: number; total: number };
    lossBeforeInsert: number | null;
    lossAfterInsert: number;
    valLoss: number | null;
    checkpoint: string;
  }[];
  validation: { protocol: string; windows: number };
}

/** Byte-for-byte equality of every tensor of `a` whose name starts with one of `prefixes`, found in `b`. */
function sameTensors(a: string, b: string, prefixes: string[]): number {
  const ra = openSafetensors(a);
  const rb = openSafetensors(b);
  let n = 0;
  try {
    for (const name of ra.names().filter((x) => prefixes.some((pre) => x.startsWith(pre)))) {
      const ta = ra.read(name)!;
      const tb = rb.read(name);
      expect(tb, name).toBeDefined();
      expect(tb!.shape, name).toEqual(ta.shape);
      expect(
        Buffer.compare(
          Buffer.from(ta.data.buffer, ta.data.byteOffset, ta.data.byteLength),
          Buffer.from(tb!.data.buffer, tb!.data.byteOffset, tb!.data.byteLength),
        ),
        name,
      ).toBe(0);
      n++;
    }
  } finally {
    ra.close();
    rb.close();
  }
  return n;
}

describe('espalier grow --from', () => {
  it('grows a trained folder by one frozen-prefix tier: lower blocks bit-identical, losses reported, lineage recorded, generates', () => {
    const tr = runCli([
      'train',
      ...inputArgs(p),
      ...shapeArgs({ layers: 2, heads: 4, context: 16, batch: 4 }),
      '--steps',
      '4',
      ...CPU_ONE_THREAD,
      '--out',
      p('train'),
      '--json',
    ]);
    expect(tr.code, tr.stderr).toBe(0);

    const args = [
      'grow',
      '--from',
      p('train'),
      '--data',
      p('data.txt'),
      '--stages',
      '1',
      '--steps-per-stage',
      '4',
      '--batch',
      '4',
      '--eval-windows',
      '8',
      ...CPU_ONE_THREAD,
      '--out',
      p('grown'),
      '--json',
    ];
    const g = runCli(args);
    expect(g.code, g.stderr).toBe(0);
    const j = g.json<GrowJson>();
    expect(j.stages.map((s) => s.depth)).toEqual([3]);
    const st = j.stages[0]!;
    // The source's two blocks are frozen; the new block, final norm and head train.
    expect(st.params.frozenBlocks).toBeGreaterThan(0);
    expect(st.params.trainable).toBeLessThan(st.params.total);
    expect(typeof st.lossBeforeInsert).toBe('number');
    expect(Number.isFinite(st.lossAfterInsert)).toBe(true);
    expect(Number.isFinite(st.valLoss!)).toBe(true);
    expect(j.validation.protocol).toBe('holdout');
    expect(g.stderr).toMatch(/growing from .*train: its 2 blocks stay frozen below 1 new/);
    expect(g.stderr).toMatch(/stage 1\/1 \(depth 3\).*insertion/);
    // The memory plan is applied (logged) before any work.
    expect(g.stderr).toMatch(/plan/i);

    const src = p('train/model.safetensors');
    const out = join(st.checkpoint, 'model.safetensors');
    expect(sameTensors(src, out, ['blocks.0.', 'blocks.1.'])).toBe(16);
    // The head and final norm kept training, so they moved.
    expect(() => sameTensors(src, out, ['head'])).toThrow();

    const cfg = JSON.parse(readFileSync(join(st.checkpoint, 'config.json'), 'utf8')) as {
      config: { layers: number; dModel: number };
      frozen: string[];
      training: { parent: { folder: string; layers: number; createdAt: string } };
    };
    const srcCfg = JSON.parse(readFileSync(p('train/config.json'), 'utf8')) as { createdAt: string };
    expect(cfg.config).toMatchObject({ layers: 3, dModel: 32 });
    expect(cfg.training.parent).toMatchObject({ folder: p('train'), layers: 2, createdAt: srcCfg.createdAt });
    expect(cfg.frozen.filter((n) => n.startsWith('blocks.2.'))).toEqual([]);
    expect(cfg.frozen.filter((n) => n.startsWith('blocks.0.')).length).toBeGreaterThan(0);

    const gen = runCli([
      'generate',
      '--model',
      st.checkpoint,
      '--prompt',
      'The',
      '--max-tokens',
      '8',
      '--backend',
      'cpu',
      '--json',
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.json<{ tokens: number }>().tokens).toBeGreaterThan(0);

    // The same command again resumes the finished run: nothing retrains.
    const again = runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<GrowJson>().stages[0]!.valLoss).toBe(st.valLoss);
    expect(again.stderr).not.toMatch(/stage 1\/1 \(depth 3\):/);
  }, 240_000);

  it('refuses options the folder fixes, in one line', () => {
    const r = runCli([
      'grow',
      '--from',
      p('train'),
      '--vocab',
      p('vocab.json'),
      '--data',
      p('data.txt'),
      '--stages',
      '1',
      '--steps-per-stage',
      '2',
      '--out',
      p('bad'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--from cannot be combined with --vocab/);
    const b = runCli([
      'grow',
      '--from',
      p('train'),
      '--baseline',
      'monolithic',
      '--data',
      p('data.txt'),
      '--stages',
      '1',
      '--steps-per-stage',
      '2',
      '--out',
      p('bad'),
    ]);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/--from cannot be combined with --baseline/);
    const m = runCli([
      'grow',
      '--from',
      p('nope'),
      '--data',
      p('data.txt'),
      '--stages',
      '1',
      '--steps-per-stage',
      '2',
      '--out',
      p('bad'),
    ]);
    expect(m.code).not.toBe(0);
    expect(m.stderr).toMatch(/not a model folder/);
  });
});

// The acceptance run's "grows one more tier" step at a medium size (the 2 GiB run itself is test/slow): a 4 × d 128
// model trained 2 steps grows a fifth tier in 1 step, exports as sharded Hugging Face weights, imports back and
// continues a prompt greedily exactly as the grown folder does.
describe('grow --from in the scale sequence (medium model)', () => {
  it('train → grow one tier → sharded HF export → import → same greedy continuation', () => {
    const text = corpusText('debian-faq.en.txt').slice(0, 40_000);
    writeFileSync(p('faq.txt'), text);
    expect(
      runCli(['vocab', 'build', '--corpus', p('faq.txt'), '--ngrams', '200', '--out', p('faq-vocab.json'), '--json'])
        .code,
    ).toBe(0);
    expect(randomSubstrateCli(p('faq-vocab.json'), 128, p('faq-sub.safetensors')).code).toBe(0);
    const common = ['--data', p('faq.txt'), '--batch', '1', '--checkpoint-every', '1', ...CPU_ONE_THREAD, '--json'];
    const tr = runCli(
      [
        'train',
        ...common,
        '--vocab',
        p('faq-vocab.json'),
        '--substrate',
        p('faq-sub.safetensors'),
        '--layers',
        '4',
        '--heads',
        '4',
        '--context',
        '32',
        '--steps',
        '2',
        '--eval-every',
        '100',
        '--out',
        p('med'),
      ],
      { timeoutMs: 300_000 },
    );
    expect(tr.code, tr.stderr).toBe(0);
    const g = runCli(
      [
        'grow',
        ...common,
        '--from',
        p('med'),
        '--stages',
        '1',
        '--steps-per-stage',
        '1',
        '--eval-windows',
        '4',
        '--out',
        p('med-grown'),
      ],
      { timeoutMs: 300_000 },
    );
    expect(g.code, g.stderr).toBe(0);
    const st = g.json<GrowJson>().stages[0]!;
    expect(st.depth).toBe(5);
    // Every step reports its peak resident memory and the plan's estimate of it (the 2 GiB run holds them within 25 %).
    const peaks = [tr, g].map((r) => r.json<Peak>());
    console.log(
      `grow --from (4 × d 128 → 5): insertion ${st.lossBeforeInsert} → ${st.lossAfterInsert}, val ${st.valLoss}; params ${st.params.total}, trainable ${st.params.trainable}`,
    );
    expect(
      sameTensors(p('med/model.safetensors'), join(st.checkpoint, 'model.safetensors'), [
        'blocks.0.',
        'blocks.1.',
        'blocks.2.',
        'blocks.3.',
      ]),
    ).toBe(32);

    const ex = runCli(
      ['export', '--format', 'hf', '--model', st.checkpoint, '--out', p('med-hf'), '--max-shard-size', '1', '--json'],
      { timeoutMs: 300_000 },
    );
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stderr).toMatch(/peak memory .* GiB \(the plan estimated .* GiB\)/);
    expect(
      readdirSync(p('med-hf')).filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length,
    ).toBeGreaterThanOrEqual(2);
    const imp = runCli(['import', '--format', 'hf', '--from', p('med-hf'), '--out', p('med-back'), '--json'], {
      timeoutMs: 300_000,
    });
    expect(imp.code, imp.stderr).toBe(0);
    peaks.push(ex.json<Peak>(), imp.json<Peak>());
    for (const r of peaks) {
      expect(r.peakRssBytes).toBeGreaterThan(50 * 2 ** 20);
      expect(r.planBytes).toBeGreaterThan(50 * 2 ** 20);
    }
    // The grown model's plan: one more block than the source's, of which only the new one trains.
    expect(peaks[1]!.planBytes).toBeLessThan(peaks[0]!.planBytes);
    // import holds every converted tensor; export streams them one at a time.
    expect(peaks[3]!.planBytes).toBeGreaterThan(peaks[2]!.planBytes);
    const greedy = (model: string) => {
      const r = runCli([
        'generate',
        '--model',
        model,
        '--prompt',
        'Debian',
        '--max-tokens',
        '8',
        '--temperature',
        '0',
        '--backend',
        'cpu',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      return r.json<{ text: string }>().text;
    };
    expect(greedy(p('med-back'))).toBe(greedy(st.checkpoint));
  }, 900_000);
});
