// Proves every import-boundary rule fires: for each layer of eslint.layers.js, a file importing every other layer is
// flagged exactly where the table forbids it; module-level allowances, tests' extras, the Electron and SQLite
// package rules and the product ↛ test/ rule each have a violating and an allowed case.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../eslint.layers.js';
import { ROOT } from './helpers/cli';

const fixture = (name: string) => readFileSync(`${ROOT}/test/fixtures/lint/${name}.ts.txt`, 'utf8');
const eslint = new ESLint({ cwd: ROOT });
type Layer = keyof typeof LAYERS;
const NAMES = Object.keys(LAYERS) as Layer[];

interface Flag {
  rule: string | null;
  line: number;
  message: string;
}

/** The import-boundary messages when `text` is linted as if it lived at `path` (relative to the root). */
async function flags(text: string, path: string): Promise<Flag[]> {
  const [result] = await eslint.lintText(text, { filePath: `${ROOT}/${path}` });
  return result!.messages
    .filter((m) => m.ruleId === 'espalier/layers' || m.ruleId === 'no-restricted-imports')
    .map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }));
}

/** A file in `from`'s folder importing one module of every other layer, one per line, in NAMES order. */
function importEveryLayer(from: Layer, file: string): { text: string; lineOf: Map<Layer, number> } {
  const lines: string[] = [];
  const lineOf = new Map<Layer, number>();
  for (const to of NAMES) {
    if (to === from) continue;
    let spec = relative(`${ROOT}/${file}/..`, `${ROOT}/${LAYERS[to].dir}/some-module`);
    if (!spec.startsWith('.')) spec = `./${spec}`;
    lines.push(`import * as m${lines.length} from '${spec}';`);
    lineOf.set(to, lines.length);
  }
  lines.push(`export const all = [${lines.map((_, i) => `m${i}`).join(', ')}];`);
  return { text: `${lines.join('\n')}\n`, lineOf };
}

describe('every layer imports only what eslint.layers.js allows', () => {
  it.each(NAMES)('%s', async (from) => {
    const file = `${LAYERS[from].dir}/lint-fixture.ts`;
    const { text, lineOf } = importEveryLayer(from, file);
    const got = await flags(text, file);
    const forbidden = NAMES.filter((to) => to !== from && !(LAYERS[from].may as readonly string[]).includes(to));
    expect(got.map((f) => f.line).sort((a, b) => a - b)).toEqual(
      forbidden.map((to) => lineOf.get(to)!).sort((a, b) => a - b),
    );
    for (const f of got) {
      expect(f.rule).toBe('espalier/layers');
      expect(f.message).toMatch(new RegExp(`^${from} must not import \\S+ .*docs/architecture\\.md`));
    }
    // Every layer forbids something, so each rule has been seen to fire (src-shared and common forbid everything).
    expect(forbidden.length).toBeGreaterThan(0);
  });
});

describe('module-level allowances and tests', () => {
  it('lets services use the worker protocol and job schemas but not a job handler', async () => {
    const text =
      "import { FromWorker } from '../worker/protocol';\nimport { EvalJobResult } from '../worker/job-types';\nimport { runEval } from '../worker/jobs/eval';\nexport const x = [FromWorker, EvalJobResult, runEval];\n";
    const got = await flags(text, 'src-main/services/lint-fixture.ts');
    expect(got).toEqual([
      expect.objectContaining({
        rule: 'espalier/layers',
        line: 3,
        message: expect.stringMatching(/services must not import worker \(src-main\/worker\/jobs\/eval\)/),
      }),
    ]);
  });

  it("lets a test beside the code import test support and the lab's world, not other layers", async () => {
    const text =
      "import { corpusText } from '../../../test/helpers/fixtures';\nimport { generateWorld } from '../../lab/world/index';\nimport { openWorkspace } from '../../store/workspace';\nexport const x = [corpusText, generateWorld, openWorkspace];\n";
    expect(await flags(text, 'src-main/engine/model/lint-fixture.test.ts')).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringMatching(/engine must not import store/) }),
    ]);
    expect((await flags(text, 'src-main/engine/model/lint-fixture.ts')).map((f) => f.line)).toEqual([1, 2, 3]);
  });
});

describe('the demo and the studies share the lab, never each other', () => {
  const text =
    "import { evaluateModel } from '../lab/evaluate';\nimport { prepareWorld } from '../lab/inputs';\nimport { runDemo } from '../demo/pipeline';\nimport { runStudy } from '../study/runner';\nexport const x = [evaluateModel, prepareWorld, runDemo, runStudy];\n";

  it('rejects study → demo and demo → study, and lets both import the lab', async () => {
    expect(await flags(text, 'src-main/study/lint-fixture.ts')).toEqual([
      expect.objectContaining({
        rule: 'espalier/layers',
        line: 3,
        message: expect.stringMatching(/^study must not import demo \(src-main\/demo\/pipeline\)/),
      }),
    ]);
    expect(await flags(text, 'src-main/demo/lint-fixture.ts')).toEqual([
      expect.objectContaining({
        rule: 'espalier/layers',
        line: 4,
        message: expect.stringMatching(/^demo must not import study/),
      }),
    ]);
  });

  it('keeps the lab below both: it may import the engine, not the demo or studies', async () => {
    const got = await flags(text.replace(/'\.\.\/lab\/(\w+)'/g, "'./$1'"), 'src-main/lab/lint-fixture.ts');
    expect(got.map((f) => [f.line, f.message.split(' (')[0]])).toEqual([
      [3, 'lab must not import demo'],
      [4, 'lab must not import study'],
    ]);
  });

  it('no test beside the study code imports the demo either', async () => {
    expect(await flags(text, 'src-main/study/lint-fixture.test.ts')).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringMatching(/^study must not import demo/) }),
    ]);
  });
});

describe('packages bound to one layer', () => {
  it('rejects Electron outside the app and preload, and allows it there', async () => {
    const bad = fixture('engine-imports-electron');
    const engine = await flags(bad, 'src-main/engine/model/lint-fixture.ts');
    expect(engine.map((f) => [f.line, f.rule])).toEqual([
      [1, 'no-restricted-imports'],
      [2, 'espalier/layers'],
      [3, 'espalier/layers'],
    ]);
    expect(engine[0]!.message).toMatch(/Only src-main\/app and src-main\/preload may import Electron/);
    expect(
      await flags("import { app } from 'electron';\nexport const x = app;\n", 'src-main/app/lint-fixture.ts'),
    ).toEqual([]);
    expect(
      await flags(
        "import { contextBridge } from 'electron';\nexport const x = contextBridge;\n",
        'src-main/preload/lint-fixture.ts',
      ),
    ).toEqual([]);
  });

  it('rejects better-sqlite3 outside the store', async () => {
    const text = "import Database from 'better-sqlite3';\nexport const x = Database;\n";
    expect(await flags(text, 'src-main/services/lint-fixture.ts')).toEqual([
      expect.objectContaining({
        rule: 'no-restricted-imports',
        message: expect.stringMatching(/Only src-main\/store opens the database/),
      }),
    ]);
    expect(await flags(text, 'src-main/store/lint-fixture.ts')).toEqual([]);
  });
});

describe('the fixtures of earlier rules still fail where they should', () => {
  it('worker ↛ services, but lib and store are fine', async () => {
    const got = await flags(fixture('worker-imports-services'), 'src-main/worker/jobs/lint-fixture.ts');
    expect(got).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/^worker must not import services/) }),
    ]);
  });

  it('store ↛ engine and lib, but common is fine', async () => {
    const got = await flags(fixture('store-imports-engine'), 'src-main/store/lint-fixture.ts');
    expect(got.map((f) => f.line)).toEqual([1, 3]);
    expect(got[0]!.message).toMatch(/^store must not import engine/);
    expect(got[1]!.message).toMatch(/^store must not import lib/);
  });

  it('renderer ↛ src-main, but src-shared and its own folders are fine', async () => {
    const got = await flags(fixture('renderer-imports-main'), 'src-renderer/stores/lint-fixture.ts');
    expect(got).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/^renderer must not import services/) }),
    ]);
  });

  it('product code ↛ test/, while a test beside it may', async () => {
    const bad = fixture('product-imports-test');
    expect(await flags(bad, 'src-main/engine/model/lint-fixture.ts')).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/Product code must not import test\//) }),
    ]);
    expect(await flags(bad.replace('../../../', '../../'), 'src-main/demo/lint-fixture.ts')).toEqual([
      expect.objectContaining({ line: 1 }),
    ]);
    expect(await flags(bad, 'src-main/engine/model/lint-fixture.test.ts')).toEqual([]);
  });
});
