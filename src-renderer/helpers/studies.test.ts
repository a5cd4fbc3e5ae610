// The Studies view's computations: JSON syntax errors located by line and column, spec problems by field path,
// runs planned in the runner's order, mean curves over seeds, live series picked by metric name, formatting.
import { describe, expect, it } from 'vitest';
import { studyPreset } from '../../src-shared/study-presets';
import { checkSpecText, fmtDiff, fmtMeanCi, liveRunSeries, meanCurves, plannedRuns } from './studies';
import { makeArmResult } from '../testing/fakes';

describe('checkSpecText', () => {
  it('accepts a preset and names each broken field', () => {
    const spec = studyPreset('c4', 'quick');
    expect(checkSpecText(JSON.stringify(spec)).ok).toBe(true);
    const broken = { ...spec, arms: [spec.arms[0], { ...spec.arms[1], name: spec.arms[0]!.name, substrate: 'fur' }] };
    const r = checkSpecText(JSON.stringify(broken));
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['arms[1].substrate']));
  });

  it('locates JSON syntax errors, including text that ends too early', () => {
    expect(checkSpecText('{\n  "a": 1,\n  "b": tru }').issues[0]!.message).toBe(
      'not valid JSON at line 3, column 11: unexpected " "',
    );
    expect(checkSpecText('{\n  "a": [1, 2').issues[0]!.message).toBe(
      'not valid JSON at line 2, column 13: the text ends too early',
    );
  });
});

describe('study curves and runs', () => {
  it('plans runs seed by seed, arm by arm', () => {
    expect(plannedRuns({ arms: [{ name: 'a' }, { name: 'b' }] as never, seeds: [1, 2] }).map((r) => r.run)).toEqual([
      'a · seed 1',
      'b · seed 1',
      'a · seed 2',
      'b · seed 2',
    ]);
  });

  it('averages each arm over the seeds that reached a step', () => {
    const c = meanCurves([
      makeArmResult('a', 1, [4, 2], 1),
      makeArmResult('a', 2, [6, 4, 3], 1),
      makeArmResult('b', 1, [1], 1),
    ]);
    expect(c).toEqual([
      {
        arm: 'a',
        points: [
          [1, 5],
          [2, 3],
          [3, 3],
        ],
      },
      { arm: 'b', points: [[1, 1]] },
    ]);
  });

  it('picks the live series of study runs by metric name', () => {
    const s = { steps: [1], values: [2], t: [0] };
    expect(
      liveRunSeries({
        'study/loss/a · seed 1': s,
        'train/loss': s,
        'study/loss/b · seed 1': { steps: [], values: [], t: [] },
      }),
    ).toEqual([{ run: 'a · seed 1', series: s }]);
  });

  it('formats mean ± CI, with no interval for one seed', () => {
    expect(fmtMeanCi({ mean: 2.34567, ci95: 0.01234, n: 2, sd: 0.001, protocol: 'p' })).toBe('2.346 ± 0.012');
    expect(fmtMeanCi({ mean: 3, ci95: null, n: 1, sd: null, protocol: 'p' })).toBe('3.000 (one seed)');
    // Issue 28 item 8: the difference no longer prints seven digits of noise beside a CI of 0.4.
    expect(fmtDiff({ diff: -0.0007239, ci95: 0.3988 })).toBe('Δ 0.00 ± 0.40');
    expect(fmtDiff({ diff: -0.25, ci95: 0.1 })).toBe('Δ −0.25 ± 0.10');
    expect(fmtMeanCi(undefined)).toBe('—');
  });
});
