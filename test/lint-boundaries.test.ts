// Proves the import-boundary lint rule fails on a violation: the engine may not import electron, store or services.
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli';

const bad = readFileSync(`${ROOT}/test/fixtures/lint/engine-imports-electron.ts.txt`, 'utf8');

describe('engine import boundary', () => {
  const eslint = new ESLint({ cwd: ROOT });

  it('rejects electron, store and services imports inside src-main/engine', async () => {
    const [result] = await eslint.lintText(bad, { filePath: `${ROOT}/src-main/engine/model/fixture.ts` });
    const messages = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/no Electron/);
    expect(messages[1]).toMatch(/store/);
    expect(messages[2]).toMatch(/services/);
  });

  it('allows the same imports outside the engine', async () => {
    const [result] = await eslint.lintText(bad, { filePath: `${ROOT}/src-main/services/fixture.ts` });
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toHaveLength(0);
  });
});
