// `espalier study`: one of the paper's questions with its controls (a preset) or the user's own grid (--spec), run
// arm by arm and seed by seed (rerunning the same command resumes), compared over seeds, reported as CSV/Markdown/SVG.
import { resolve } from 'node:path';
import {
  STUDY_PRESETS,
  STUDY_SIZES,
  type StudyComparison,
  type StudyResult,
  type StudySize,
  type StudySpec,
} from '../../../src-shared/study';
import { describeBackend, initBackend, parseBackendName } from '../../engine/backend';
import { UserError } from '../../common/errors';
import { fmtMeanCi } from '../../../src-shared/study-format';
import {
  compareStudy,
  headlineMetric,
  isStudyPreset,
  loadStudySpec,
  outcomeLines,
  runStudy,
  studyPreset,
  writeStudyReport,
  type StudyReportFiles,
} from '../../study/index';
import { bool, defineCommand, optNum, optStr } from '../command';
import { defaultWorkspace } from '../default-workspace';

type StudyOut = StudyResult & { comparison: StudyComparison; report: StudyReportFiles };

function chooseSpec(
  preset: string | undefined,
  specFile: string | undefined,
  size: StudySize,
  seeds: number | undefined,
): StudySpec {
  if ((preset === undefined) === (specFile === undefined))
    throw new UserError(`give --preset ${STUDY_PRESETS.join('|')} or --spec FILE.json (one of them)`);
  if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1 && seeds <= 100))
    throw new UserError(`option --seeds expects an integer from 1 to 100, got ${seeds}`);
  if (specFile !== undefined) {
    const spec = loadStudySpec(specFile);
    if (spec.data.kind === 'datasets')
      throw new UserError(
        `${specFile}: data.kind "datasets" names a project's datasets by id, which the app resolves; on the command line give the files as data.kind "corpora" ({"name", "train", "val"} per corpus)`,
      );
    return seeds !== undefined ? { ...spec, seeds: Array.from({ length: seeds }, (_, i) => i + 1) } : spec;
  }
  if (!isStudyPreset(preset!))
    throw new UserError(`option --preset must be one of ${STUDY_PRESETS.join(', ')}, got "${preset}"`);
  return studyPreset(preset!, size, seeds !== undefined ? { seeds } : {});
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export default defineCommand({
  path: ['study'],
  summary:
    "the paper's questions with their controls: a grid of runs over seeds (resumable), compared with 95% CIs, reported as CSV, Markdown and SVG",
  options: [
    {
      name: 'preset',
      kind: 'string',
      metavar: 'NAME',
      description:
        "paper (the paper's four questions, one verdict line each) | c1 (frozen substrates vs a trainable embedding) | c4 (merging with frozen vs trained embeddings) | growth-vs-monolithic (equal tokens and equal FLOPs) | seeds (one config, N seeds)",
    },
    { name: 'spec', kind: 'string', metavar: 'FILE', description: 'a study spec (JSON) instead of a preset' },
    {
      name: 'quick',
      kind: 'boolean',
      description: 'the quick size (a tiny model, seconds per run: for trying it out); same as --size quick',
    },
    {
      name: 'size',
      kind: 'string',
      metavar: 'SIZE',
      description: `${STUDY_SIZES.join(' | ')} for a preset (laptop: minutes on 2 cores; gpu: the same grid, bigger)`,
      default: 'laptop',
    },
    { name: 'seeds', kind: 'number', metavar: 'N', description: "seeds 1…N per arm instead of the preset's or spec's" },
    {
      name: 'grad-accum',
      kind: 'number',
      metavar: 'N',
      description:
        "micro-batches per optimizer step (gradient accumulation): each step sees N × the model's batch, with the memory of one (recorded in the spec as model.gradAccum)",
    },
    {
      name: 'out',
      kind: 'string',
      metavar: 'DIR',
      description: 'the study folder (rerunning with the same folder resumes; default: <workspace>/studies/<name>)',
    },
    {
      name: 'workspace',
      kind: 'string',
      metavar: 'DIR',
      description:
        "the workspace whose studies folder is the default --out (default: the app's, or ESPALIER_WORKSPACE)",
    },
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU)' },
  ],
  async run(opts, _positionals, ctx): Promise<StudyOut> {
    const sizeOpt = optStr(opts, 'size') ?? 'laptop';
    if (!(STUDY_SIZES as readonly string[]).includes(sizeOpt))
      throw new UserError(`option --size must be one of ${STUDY_SIZES.join(', ')}, got "${sizeOpt}"`);
    const size: StudySize = bool(opts, 'quick') ? 'quick' : (sizeOpt as StudySize);
    const chosen = chooseSpec(optStr(opts, 'preset'), optStr(opts, 'spec'), size, optNum(opts, 'seeds'));
    const accum = optNum(opts, 'grad-accum');
    if (accum !== undefined && !(Number.isInteger(accum) && accum >= 1 && accum <= 1024))
      throw new UserError(`option --grad-accum expects an integer from 1 to 1024, got ${accum}`);
    const spec = accum !== undefined ? { ...chosen, model: { ...chosen.model, gradAccum: accum } } : chosen;
    const threads = optNum(opts, 'threads');
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
      throw new UserError(`option --threads expects a positive integer, got ${threads}`);
    const out = resolve(
      optStr(opts, 'out') ?? resolve(optStr(opts, 'workspace') ?? defaultWorkspace(), 'studies', slug(spec.name)),
    );

    const backend = await initBackend({ backend: parseBackendName(optStr(opts, 'backend')), threads });
    ctx.log(
      `espalier study "${spec.name}": ${spec.arms.length} arms × ${spec.seeds.length} seeds on ${describeBackend(backend)}; writing ${out}`,
    );
    const stop = new AbortController();
    const onSigint = () => {
      ctx.log('stopping after this step… (rerun the same command to resume)');
      stop.abort();
    };
    process.once('SIGINT', onSigint);
    let result: StudyResult;
    try {
      result = await runStudy(spec, {
        outDir: out,
        signal: stop.signal,
        onProgress: (e) => {
          if (e.message) {
            ctx.progressDone();
            ctx.log(`[${e.arm + 1}/${e.arms}] ${e.message}`);
          } else if (e.steps > 0)
            ctx.progress(
              `[${e.arm + 1}/${e.arms}] ${e.armName} · seed ${e.seed}: ${e.phase}`,
              e.step,
              e.steps,
              e.loss !== null ? `loss ${e.loss.toFixed(3)}` : undefined,
            );
        },
      });
    } finally {
      process.off('SIGINT', onSigint);
      ctx.progressDone();
    }
    const comparison = compareStudy(result);
    const report = writeStudyReport(result, out);
    if (result.status === 'stopped')
      ctx.log(`stopped with ${result.arms.length} runs finished; rerun the same command to resume`);
    return { ...result, comparison, report };
  },
  human(result) {
    const r = result as StudyOut;
    const c = r.comparison;
    const key = headlineMetric(c.metrics);
    const rows = c.groups.map(
      (g) =>
        `  ${g.arm.padEnd(28)} ${key} ${g.metrics[key] ? fmtMeanCi(g.metrics[key]!.mean, g.metrics[key]!.ci95) : '—'} (n=${g.seeds.length})`,
    );
    return [
      `${r.spec.name}: ${r.status === 'done' ? 'complete' : 'stopped early'}, ${r.arms.length} runs`,
      `mean ± 95% CI over seeds (${key}):`,
      ...rows,
      ...outcomeLines(c, key).map((l) => `  ${l}`),
      ...c.verdicts.map((v) => v.line),
      `report: ${r.report.markdown}`,
      `CSV: ${r.report.csv}`,
    ].join('\n');
  },
});
