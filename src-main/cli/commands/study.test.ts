// `espalier study` refuses bad input before anything trains: the spec file's field or line, the preset, the size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'espalier-study-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid model section: each spec below is wrong in one other place. */
const SMALL_MODEL = {
  dim: 32,
  heads: 4,
  contextLength: 64,
  depth: 2,
  stepsPerStage: 4,
  batchSize: 2,
  lr: 0.01,
  evalWindows: 2,
  evalTokens: 100,
  ngrams: 0,
};

describe('espalier study: bad input', () => {
  it('names the spec field, the JSON line, the preset and the missing choice in one error line', () => {
    const spec = join(dir, 'study.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'x',
        seeds: [1],
        control: 'a',
        model: SMALL_MODEL,
        arms: [{ name: 'a', embedding: 'learned' }],
      }),
    );
    const r = runCli(['study', '--spec', spec, '--out', join(dir, 'o')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(
      /^espalier: error: .*study\.json: invalid study spec — arms\[0\]\.embedding: Invalid option: expected one of "frozen"\|"trainable"$/,
    );

    writeFileSync(spec, '{\n  "name": "x"\n  "seeds": [1]\n}');
    expect(runCli(['study', '--spec', spec]).stderr).toMatch(
      /study\.json:3: not valid JSON \(Expected ',' or '}' after property value/,
    );
    expect(runCli(['study', '--preset', 'c9']).stderr).toMatch(
      /option --preset must be one of c1, c4, growth-vs-monolithic, seeds, paper, got "c9"/,
    );
    expect(runCli(['study']).stderr).toMatch(
      /give --preset c1\|c4\|growth-vs-monolithic\|seeds\|paper or --spec FILE\.json/,
    );
    // Dataset ids are the app's to resolve; the command line takes files.
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'x',
        seeds: [1],
        control: 'a',
        data: { kind: 'datasets', datasets: [{ train: 'ds_1' }] },
        model: SMALL_MODEL,
        arms: [{ name: 'a' }],
      }),
    );
    expect(runCli(['study', '--spec', spec]).stderr).toMatch(
      /study\.json: data\.kind "datasets" names a project's datasets by id, which the app resolves; on the command line give the files as data\.kind "corpora"/,
    );
    expect(runCli(['study', '--preset', 'c1', '--grad-accum', '0']).stderr).toMatch(
      /option --grad-accum expects an integer from 1 to 1024, got 0/,
    );
    expect(runCli(['study', '--preset', 'c1', '--size', 'huge']).stderr).toMatch(
      /option --size must be one of quick, laptop, gpu, got "huge"/,
    );
  }, 300_000);
});
