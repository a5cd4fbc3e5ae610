// Proves each import-boundary lint rule fails on a violation and lets the allowed arrows through:
// engine ↛ electron/store/services, worker ↛ services, store ↛ engine, renderer ↛ main, product code ↛ test/.
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli';

const fixture = (name: string) => readFileSync(`${ROOT}/test/fixtures/lint/${name}.ts.txt`, 'utf8');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of no-restricted-imports when `text` is linted as if it lived at `path` (relative to the root). */
async function boundaryMessages(text: string, path: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: `${ROOT}/${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('engine import boundary', () => {
  const bad = fixture('engine-imports-electron');

  it('rejects electron, store and services imports inside src-main/engine', async () => {
    const messages = await boundaryMessages(bad, 'src-main/engine/model/fixture.ts');
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/no Electron/);
    expect(messages[1]).toMatch(/store/);
    expect(messages[2]).toMatch(/services/);
  });

  it('allows the same imports in services', async () => {
    expect(await boundaryMessages(bad, 'src-main/services/fixture.ts')).toHaveLength(0);
  });
});

describe('worker import boundary', () => {
  const bad = fixture('worker-imports-services');

  it('rejects services inside src-main/worker, and only services', async () => {
    const messages = await boundaryMessages(bad, 'src-main/worker/jobs/fixture.ts');
    expect(messages).toEqual([expect.stringMatching(/worker must not import services/)]);
  });

  it('allows services to import services', async () => {
    expect(await boundaryMessages(bad, 'src-main/services/jobs/fixture.ts')).toHaveLength(0);
  });
});

describe('store import boundary', () => {
  const bad = fixture('store-imports-engine');

  it('rejects the engine and lib inside src-main/store but allows src-main/common', async () => {
    const messages = await boundaryMessages(bad, 'src-main/store/fixture.ts');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/store must not import the engine/);
    expect(messages[1]).toMatch(/store must not import services, the worker or lib/);
  });
});

describe('study import boundary', () => {
  it('rejects Electron, the store, services and the worker inside src-main/study; allows the engine and the demo', async () => {
    const messages = await boundaryMessages(fixture('worker-imports-services'), 'src-main/study/fixture.ts');
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m).toMatch(/Studies use the engine and the demo only/);
    expect(await boundaryMessages(fixture('engine-imports-electron'), 'src-main/study/fixture.ts')).toEqual([expect.stringMatching(/no Electron/), expect.stringMatching(/engine and the demo only/), expect.stringMatching(/engine and the demo only/)]);
    const allowed = "import { runGrowth } from '../engine/grow/index';\nimport { prepareWorld } from '../demo/inputs';\nexport const x = [runGrowth, prepareWorld];\n";
    expect(await boundaryMessages(allowed, 'src-main/study/fixture.ts')).toHaveLength(0);
  });
});

describe('renderer import boundary', () => {
  const bad = fixture('renderer-imports-main');

  it('rejects src-main inside src-renderer but allows src-shared and its own folders', async () => {
    const messages = await boundaryMessages(bad, 'src-renderer/stores/fixture.ts');
    expect(messages).toEqual([expect.stringMatching(/renderer may import only src-shared/)]);
  });
});

describe('test support stays out of product code', () => {
  const bad = fixture('product-imports-test');

  it('rejects test/ imports in a product file', async () => {
    expect(await boundaryMessages(bad, 'src-main/engine/model/fixture.ts')).toEqual([expect.stringMatching(/must not import test support/)]);
    expect(await boundaryMessages(bad.replace('../../../', '../../'), 'src-main/demo/fixture.ts')).toEqual([expect.stringMatching(/must not import test support/)]);
  });

  it('allows it in a test file beside the code', async () => {
    expect(await boundaryMessages(bad, 'src-main/engine/model/fixture.test.ts')).toHaveLength(0);
  });
});
