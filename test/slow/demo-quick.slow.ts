// The full `espalier demo --quick` on the demo world (about 2 minutes on 2 cores): run by `npm run test:slow`
// and .ci/run, not by every `npm test`. No --font: the glyph substrate must come from the font the demo finds.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { CLAIMS, SECTIONS, type DemoJson } from '../helpers/demo-json';
import { unifontPath } from '../helpers/fixtures';
import { storageCensus } from '../support/storage';

const dir = mkdtempSync(join(tmpdir(), 'espalier-demo-quick-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier demo --quick on the demo world', () => {
  it('finds the system Unifont by itself, completes, and its JSON has every section, every model evaluated on every task', () => {
    unifontPath(); // where no Unifont 15.0.01 is found, fails saying how to fetch it
    const ws = join(dir, 'ws-quick');
    const r = runCli(['demo', '--quick', '--workspace', ws, '--json'], { timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<DemoJson>();
    for (const s of SECTIONS) expect(j, s).toHaveProperty(s);
    expect(j.source).toBe('world');
    expect(j.world).not.toBeNull();
    expect(j.substrate.kind, `${j.substrate.note} (install the font: \`sudo apt-get install -y unifont\`)`).toBe(
      'glyph',
    );
    const keys = [
      'ppl:en-ru',
      'ppl:en-zh',
      'ppl:union',
      'mc-loglik',
      'mc-paper',
      'bleu:en-ru',
      'bleu:en-zh',
      ...['en', 'ru', 'zh'].flatMap((l) => [`qa-paper:${l}`, `qa-squad:${l}`]),
    ];
    const models = [
      ...['RU', 'ZH'].flatMap((e) => [1, 2, 3].map((d) => `${e} d${d}`)),
      'merge (logits)',
      'merge (probs)',
    ];
    for (const m of models)
      expect(
        j.evals
          .filter((e) => e.model === m)
          .map((e) => e.key)
          .sort(),
        m,
      ).toEqual([...keys].sort());
    expect(j.depthVsCapability.map((t) => t.rows.length)).toEqual([3, 3]);
    expect(j.expertsVsMerge.columns).toContain('MC loglik: RU-only facts');
    for (const k of CLAIMS) expect(typeof j.claims[k]!.holds, k).toBe('boolean');
    expect(j.workspace.projectName).toMatch(/^Demo world \(seed 1\)/);
    expect(Object.keys(j.workspace.datasetIds)).toHaveLength(10);
    expect(j.seconds['total']).toBeGreaterThan(0);
    // The controlled studies C1 and C4 at quick size: every arm with mean ± CI over two seeds, in the report too.
    expect(j.studies.map((s) => [s.preset, s.metric, s.rows.length])).toEqual([
      ['c1', 'heldout nll', 4],
      ['c4', 'merge gain', 3],
    ]);
    for (const s of j.studies) {
      for (const row of s.rows) {
        expect(row.n).toBe(2);
        expect(Number.isFinite(row.mean) && Number.isFinite(row.ci95)).toBe(true);
      }
      expect(s.outcome).toHaveLength(s.rows.length - 1);
      expect(existsSync(s.report)).toBe(true);
    }
    const md = readFileSync(j.report.markdown, 'utf8');
    expect(md).toContain('## Controlled studies (quick size)');
    expect(md).toMatch(/\| frozen glyph \| \d+\.\d{4} ± \d+\.\d{4} \| 2 \|/);
    expect(md).toMatch(/\| frozen substrate \(control\) \| -?\d+\.\d{4} ± \d+\.\d{4} \| 2 \|/);

    // Stored once: one file per substrate (the stage folders reference it), no set of weights in two files.
    const census = storageCensus(ws);
    expect([...census.substrates].map(([id, files]) => [id, files.length])).toEqual([[j.substrate.id, 1]]);
    expect(census.duplicateFiles).toEqual([]);
    expect(census.duplicateWeights).toEqual([]);
  });
});
