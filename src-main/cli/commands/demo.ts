// `espalier demo`: the paper's whole pipeline on the built-in demo world (or two corpora of the user's) in one
// command — substrate, two grown experts, their merges, every evaluation — with a report, registered in the workspace.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeBackend, initBackend, parseBackendName } from '../../engine/backend';
import { resolvePreset, runDemo, summaryText, type DemoResult } from '../../demo/index';
import { UserError } from '../../common/errors';
import { registerDemo, type DemoRegistration } from '../../services/demo';
import { demoPlacement } from '../../services/demo-files';
import { runDemoStudies } from '../../study/index';
import { Workspace } from '../../store/index';
import { bool, defineCommand, num, optNum, optStr } from '../command';
import { defaultWorkspace } from '../default-workspace';

type DemoOut = DemoResult & { workspace: { root: string } & DemoRegistration };

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
}

function file(path: string, option: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`--${option} ${path}: no such file`);
  return resolve(path);
}

export default defineCommand({
  path: ['demo'],
  summary:
    "the paper's pipeline in one command: demo world → substrate → two experts grown to depth 3 → merges → evaluation → report",
  options: [
    {
      name: 'quick',
      kind: 'boolean',
      description:
        'a small world, model and evaluation (about 2 minutes on 2 cores) instead of the full demo (about 10–12)',
    },
    {
      name: 'workspace',
      kind: 'string',
      metavar: 'DIR',
      description: "the workspace to write into and register everything in (default: the app's, or ESPALIER_WORKSPACE)",
    },
    {
      name: 'seed',
      kind: 'number',
      metavar: 'N',
      default: 1,
      description: 'seeds the world, the weights and the sampling',
    },
    {
      name: 'corpus-a',
      kind: 'string',
      metavar: 'FILE',
      description:
        "the first expert's corpus instead of the world's en-ru (needs --corpus-b; world-only tasks are skipped)",
    },
    {
      name: 'corpus-b',
      kind: 'string',
      metavar: 'FILE',
      description: "the second expert's corpus instead of the world's en-zh",
    },
    {
      name: 'steps-per-stage',
      kind: 'string',
      metavar: 'K',
      description:
        "optimizer steps per growth stage instead of the preset's: one number or one per stage (trades time for quality)",
    },
    {
      name: 'skip-studies',
      kind: 'boolean',
      description: 'leave out the controlled C1 and C4 studies (quick size, about a minute) from the report',
    },
    {
      name: 'font',
      kind: 'string',
      metavar: 'FILE',
      description: 'GNU Unifont .hex(.gz) for the glyph substrate (default: a system Unifont; none: binary-id)',
    },
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU)' },
  ],
  async run(opts, _positionals, ctx): Promise<DemoOut> {
    const seed = num(opts, 'seed');
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)
      throw new UserError(`option --seed must be an integer from 0 to 4294967295, got ${seed}`);
    const a = optStr(opts, 'corpus-a');
    const b = optStr(opts, 'corpus-b');
    if ((a === undefined) !== (b === undefined))
      throw new UserError(
        'give both --corpus-a FILE and --corpus-b FILE (one corpus per expert), or neither for the demo world',
      );
    const corpora = a !== undefined && b !== undefined ? { a: file(a, 'corpus-a'), b: file(b, 'corpus-b') } : undefined;
    const threads = optNum(opts, 'threads');
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
      throw new UserError(`option --threads expects a positive integer, got ${threads}`);
    const stepsOpt = optStr(opts, 'steps-per-stage');
    const steps = stepsOpt?.split(',').map((x) => Number(x.trim()));
    if (steps && !steps.every((x) => Number.isInteger(x) && x >= 1))
      throw new UserError(
        `option --steps-per-stage expects a positive integer or a comma-separated list of them, got "${stepsOpt}"`,
      );
    const mode = bool(opts, 'quick') ? 'quick' : 'default';
    const stages = resolvePreset(mode).stages;
    if (steps && steps.length !== 1 && steps.length !== stages)
      throw new UserError(
        `option --steps-per-stage lists ${steps.length} numbers for ${stages} stages; give one or ${stages}`,
      );
    const font = optStr(opts, 'font');
    if (font !== undefined) file(font, 'font');

    const ws = Workspace.open(optStr(opts, 'workspace') ?? defaultWorkspace());
    try {
      const report = await initBackend({ backend: parseBackendName(optStr(opts, 'backend')), threads });
      const backend = describeBackend(report);
      const out = join(
        ws.paths.root,
        'demo',
        `${stamp(new Date())}-${corpora ? 'corpora' : `seed${seed}`}${mode === 'quick' ? '-quick' : ''}`,
      );
      ctx.log(`espalier demo (${mode}) on ${backend}; writing ${out}`);

      let interrupted = false;
      const onSigint = () => {
        interrupted = true;
        ctx.log('stopping after this step…');
      };
      process.once('SIGINT', onSigint);
      let result: DemoResult;
      try {
        result = await runDemo(
          {
            out,
            mode,
            seed,
            placement: demoPlacement(ws),
            ...(bool(opts, 'skip-studies') ? {} : { studies: runDemoStudies }),
            ...(corpora ? { corpora } : {}),
            ...(font ? { font } : {}),
            backend,
            ...(steps ? { preset: { steps: steps.length === 1 ? Array<number>(stages).fill(steps[0]!) : steps } } : {}),
          },
          {
            log: (m) => ctx.log(m),
            progress: (label, done, total, extra) => ctx.progress(label, done, total, extra),
            progressDone: () => ctx.progressDone(),
            shouldStop: () => interrupted,
          },
        );
      } finally {
        process.off('SIGINT', onSigint);
        ctx.progressDone();
      }
      const reg = await registerDemo(ws, result);
      ctx.log(
        `registered in ${ws.root}: project "${reg.projectName}" with ${Object.keys(reg.datasetIds).length} datasets, ${Object.keys(reg.modelIds).length} models, ${reg.evalIds.length} eval results`,
      );
      return { ...result, workspace: { root: ws.root, ...reg } };
    } finally {
      ws.close();
    }
  },
  human(result) {
    const r = result as DemoOut;
    return `${summaryText(r)}\n\nworkspace ${r.workspace.root}: project "${r.workspace.projectName}" (${r.workspace.projectId})`;
  },
});
