// Merging experts (the paper's logit averaging, plus weighted/probability/confidence variants): compatibility
// check, a 'merge-preview' job (held-out losses, per-token contributions), saving a merge as a catalog entry, and
// a 'merge-tune' job that tunes a saved merge's output heads (kept in a workspace file the entry names).
import { rmSync } from 'node:fs';
import { parseRunParams } from '../../src-shared/runs';
import type { InvokeResponse } from '../../src-shared/contract';
import type { ModelEntry } from '../../src-shared/domain';
import { resolveWeights, type MergeMode } from '../engine/compose/combine';
import { UserError } from '../common/errors';
import type * as store from '../store/index';
import { MergePreviewResult, MergeTuneResult } from '../worker/job-types';
import { datasetTextFile, requireDataset, requireModel, specFor } from './catalog';
import type { ServiceContext } from './context';
import type { ModelsService } from './models';

const short = (id: string | null) => (id ? `${id.slice(0, 12)}…` : 'a trainable table');

/** Why `other` cannot join `first`, or null when it can. */
function incompatibility(first: store.Model, other: store.Model): string | null {
  const sub = first.substrateId !== other.substrateId;
  const tok = first.tokenizerId !== other.tokenizerId;
  if (!sub && !tok) return null;
  const parts: string[] = [];
  if (sub)
    parts.push(
      `substrate differs ("${first.name}": ${short(first.substrateId)}, "${other.name}": ${short(other.substrateId)})`,
    );
  if (tok)
    parts.push(
      `tokenizer differs ("${first.name}": ${short(first.tokenizerId)}, "${other.name}": ${short(other.tokenizerId)})`,
    );
  return parts.join('; ');
}

export class MergeService {
  constructor(
    private readonly c: ServiceContext,
    private readonly models: ModelsService,
  ) {
    c.runs.register('merge-preview', {
      prepare: (run) => {
        const p = parseRunParams('merge-preview', run.id, run.params);
        const experts = p.expertIds.map((id) => specFor(c.ws, id));
        return {
          merge: {
            kind: 'merge',
            id: 'preview',
            name: 'merge',
            mode: p.mode,
            weights: p.weights,
            experts,
            tokenizerFile: experts[0]!.tokenizerFile,
          },
          datasets: p.datasetIds.map((id) => {
            const d = requireDataset(c.ws, id);
            return { name: d.name, file: datasetTextFile(c.ws, d) };
          }),
          sampleText: p.sampleText,
          maxTokens: 20_000,
        };
      },
      result: MergePreviewResult,
    });
    c.runs.register('merge-tune', {
      prepare: (run) => {
        const p = parseRunParams('merge-tune', run.id, run.params);
        const spec = specFor(c.ws, p.mergeId);
        return {
          merge: { ...spec, headsFile: undefined },
          datasets: p.datasetIds.map((id) => {
            const d = requireDataset(c.ws, id);
            return { name: d.name, file: datasetTextFile(c.ws, d) };
          }),
          steps: p.steps,
          headsFile: c.ws.paths.fromStored(p.headsFile),
        };
      },
      result: MergeTuneResult,
      complete: (run, result) => {
        // The merge now loads with these heads everywhere (evaluation, playground, preview).
        const p = parseRunParams('merge-tune', run.id, run.params);
        const m = requireModel(c.ws, p.mergeId);
        const { losses: _losses, ...report } = result;
        const old = (m.config['heads'] as { file?: unknown } | undefined)?.file;
        c.ws.models.update(m.id, {
          config: { ...m.config, heads: { file: p.headsFile, ...report, tunedAt: Date.now() } },
        });
        if (typeof old === 'string' && old !== p.headsFile) rmSync(c.ws.paths.fromStored(old), { force: true });
        c.bus.emit('models.changed', { projectId: m.projectId });
        return result;
      },
    });
  }

  check(req: { expertIds: string[] }): InvokeResponse<'merge.check'> {
    const experts = req.expertIds.map((id) => requireModel(this.c.ws, id));
    const first = experts[0]!;
    const incompatible: Record<string, string> = {};
    for (const e of experts.slice(1)) {
      const why = incompatibility(first, e);
      if (why) incompatible[e.id] = why;
    }
    const bad = Object.keys(incompatible).length;
    if (bad > 0) {
      const reason = `${bad} of ${experts.length - 1} expert(s) cannot join "${first.name}": experts must share the frozen substrate and the tokenizer`;
      return { compatible: false, reason, incompatible };
    }
    if (experts.length < 2)
      return { compatible: false, reason: 'choose at least one more expert to merge with', incompatible };
    return { compatible: true, reason: null, incompatible };
  }

  /** Loads the experts, checks them against each other and returns normalised weights. */
  private prepare(
    expertIds: string[],
    mode: MergeMode,
    weights: number[] | undefined,
  ): { experts: store.Model[]; weights: number[] } {
    const verdict = this.check({ expertIds });
    if (!verdict.compatible)
      throw new UserError(`cannot merge: ${Object.values(verdict.incompatible)[0] ?? verdict.reason}`);
    if (new Set(expertIds).size !== expertIds.length)
      throw new UserError('an expert is listed twice; each model can be one expert of a merge');
    const w = resolveWeights(mode, expertIds.length, weights);
    const zero = w.findIndex((x) => x === 0);
    if (zero >= 0) throw new UserError(`weight ${zero + 1} is 0: leave that expert out instead`);
    return { experts: expertIds.map((id) => requireModel(this.c.ws, id)), weights: w };
  }

  preview(req: {
    expertIds: string[];
    mode: MergeMode;
    weights?: number[];
    datasetIds: string[];
    sampleText: string;
  }): { runId: string } {
    const { experts, weights } = this.prepare(req.expertIds, req.mode, req.weights);
    for (const id of req.datasetIds) datasetTextFile(this.c.ws, requireDataset(this.c.ws, id));
    const projectId = experts[0]!.projectId;
    const params = { ...req, weights, expertNames: experts.map((e) => e.name) };
    const run = this.c.runs.enqueue({
      projectId,
      kind: 'merge-preview',
      name: `preview ${req.mode} merge`,
      params,
      message: 'queued: merge preview',
    });
    return { runId: run.id };
  }

  tune(req: { mergeId: string; datasetIds: string[]; steps: number }): { runId: string } {
    const m = requireModel(this.c.ws, req.mergeId);
    if (m.kind !== 'merge') throw new UserError(`"${m.name}" is not a merge; only a merge's heads are tuned`);
    const mode = m.config['mode'];
    if (mode === 'confidence')
      throw new UserError('head tuning supports the logits, weighted and probs modes, not "confidence"');
    for (const id of req.datasetIds) datasetTextFile(this.c.ws, requireDataset(this.c.ws, id));
    // A new file per run: a merge being evaluated keeps reading its current heads until this run completes.
    const headsFile = `models/${m.id}/heads-${Date.now().toString(36)}.safetensors`;
    const params = { ...req, headsFile };
    const run = this.c.runs.enqueue({
      projectId: m.projectId,
      kind: 'merge-tune',
      name: `tune heads of ${m.name}`,
      params,
      modelId: m.id,
      totalSteps: req.steps,
      message: 'queued: head tuning',
    });
    return { runId: run.id };
  }

  save(req: { name: string; expertIds: string[]; mode: MergeMode; weights?: number[] }): ModelEntry {
    const { experts, weights } = this.prepare(req.expertIds, req.mode, req.weights);
    const projectId = experts[0]!.projectId;
    const m = this.c.ws.models.createMerge({
      projectId,
      name: req.name,
      experts: experts.map((e, i) => ({ modelId: e.id, weight: weights[i]! })),
      config: { mode: req.mode, weights },
      provenance: { experts: experts.map((e) => ({ id: e.id, name: e.name })) },
    });
    this.c.bus.emit('models.changed', { projectId });
    return this.models.dto(m);
  }
}
