// The studies the demo report includes: C1 and C4 at quick size on the demo world, run through the study runner
// and summarised for the demo's report (the demo takes this as an injected runner; it does not import studies).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoStudiesContext, DemoStudySection } from '../lab/types';
import { UserError } from '../common/errors';
import { studyPreset } from '../../src-shared/study-presets';
import type { StudyPresetName } from '../../src-shared/study';
import { compareStudy } from './compare';
import { outcomeLines, writeStudyReport } from './report';
import { runStudy } from './runner';

const DEMO_STUDIES: readonly StudyPresetName[] = ['c1', 'c4'];

export async function runDemoStudies(ctx: DemoStudiesContext): Promise<DemoStudySection[]> {
  const out: DemoStudySection[] = [];
  const stop = new AbortController();
  for (const preset of DEMO_STUDIES) {
    const spec = {
      ...studyPreset(preset, 'quick'),
      data: { kind: 'world' as const, seed: ctx.seed, scale: 'quick' as const },
    };
    const dir = join(ctx.out, preset);
    const t0 = performance.now();
    const r = await runStudy(spec, {
      outDir: dir,
      signal: stop.signal,
      onProgress: (e) => {
        if (ctx.hooks.shouldStop?.()) stop.abort();
        if (e.message) {
          ctx.hooks.progressDone?.();
          ctx.hooks.log?.(`study ${preset.toUpperCase()} [${e.arm + 1}/${e.arms}] ${e.message}`);
        } else if (e.steps > 0)
          ctx.hooks.progress?.(
            `study ${preset.toUpperCase()} [${e.arm + 1}/${e.arms}] ${e.armName} · seed ${e.seed}`,
            e.step,
            e.steps,
            e.loss !== null ? `loss ${e.loss.toFixed(3)}` : undefined,
          );
      },
    });
    ctx.hooks.progressDone?.();
    if (r.status === 'stopped')
      throw new UserError(`stopped during the ${preset.toUpperCase()} study; its finished runs are kept in ${dir}`);
    const c = compareStudy(r);
    const metric = c.metrics.includes('merge gain') ? 'merge gain' : 'heldout nll';
    const files = writeStudyReport(r, dir);
    // The demo keeps the study's report, tables and plots; its models and substrates are scratch (the demo's own
    // workspace holds each substrate once). `espalier study --preset …` keeps them.
    for (const scratch of ['runs', 'work']) rmSync(join(dir, scratch), { recursive: true, force: true });
    ctx.hooks.log?.(
      `study ${preset.toUpperCase()}: report in ${files.markdown}; its models were scratch and are removed (run \`espalier study --preset ${preset}\` to keep them)`,
    );
    out.push({
      preset,
      title: spec.name,
      question: spec.question,
      control: spec.control,
      metric,
      seeds: spec.seeds,
      rows: c.groups.map((g) => ({
        arm: g.arm,
        description: g.description,
        mean: g.metrics[metric]?.mean ?? null,
        ci95: g.metrics[metric]?.ci95 ?? null,
        n: g.metrics[metric]?.n ?? 0,
      })),
      outcome: outcomeLines(c, metric),
      report: files.markdown,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    });
  }
  return out;
}
