// Store rows → the domain DTOs the renderer receives (src-shared/domain.ts): timestamps as ISO strings,
// nullable store fields given the contract's shapes.
import type { Dataset, EvalResult, ModelEntry, Project, Substrate } from '../../src-shared/domain';
import { Run } from '../../src-shared/runs';
import type * as store from '../store/index';
import { mixedLanguages } from '../lib/datasets/scripts';
import type { SubstrateRecord } from '../store/index';

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function projectDto(p: store.Project, tokenizerId: string | null): Project {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    tokenizerId,
    substrateId: p.substrateId,
    createdAt: iso(p.createdAt),
  };
}

export function datasetDto(d: store.Dataset, tokenCounts?: Dataset['tokenCounts']): Dataset {
  const languages = d.languagesSet ?? mixedLanguages(d.languages);
  return {
    ...(tokenCounts ? { tokenCounts } : {}),
    id: d.id,
    projectId: d.projectId,
    name: d.name,
    path: d.sourcePath,
    sha256: d.sha256,
    bytes: d.bytes,
    characters: d.characters,
    tokens: d.tokens,
    scripts: d.scripts,
    language: languages.join(' + '),
    languages,
    languageShares: d.languages,
    languagesSetByUser: d.languagesSet !== null,
    kind: d.kind,
    benchmark:
      d.kind === 'benchmark' && d.task && d.benchFormat
        ? { task: d.task, format: d.benchFormat, items: d.records, pair: d.pair }
        : null,
    split: d.split,
    format: d.format,
    field: d.field,
    createdAt: iso(d.createdAt),
  };
}

const SUBSTRATE_KINDS = ['glyph', 'binary-id', 'random', 'imported'] as const;

/** "glyph 16×16 · 128-d · 4,321 tokens · 2026-12-04 17:40 UTC", after the user's label when there is one. */
export function substrateName(
  s: Pick<Substrate, 'label' | 'kind' | 'grid' | 'dim' | 'vocabSize' | 'createdAt'>,
): string {
  const kind = s.kind === 'glyph' && s.grid !== null ? `glyph ${s.grid}×${s.grid}` : s.kind;
  const date = `${s.createdAt.slice(0, 10)} ${s.createdAt.slice(11, 16)} UTC`;
  const base = `${kind} · ${s.dim}-d · ${s.vocabSize.toLocaleString('en')} tokens · ${date}`;
  return s.label ? `${s.label} (${base})` : base;
}

export function substrateDto(s: SubstrateRecord, projectId: string): Substrate {
  const m = s.metadata;
  const kind = (SUBSTRATE_KINDS as readonly string[]).includes(s.kind) ? (s.kind as Substrate['kind']) : 'imported';
  const label = typeof m['label'] === 'string' ? m['label'] : '';
  const grid = kind === 'glyph' && typeof m['grid'] === 'number' ? m['grid'] : null;
  const vocabSize = typeof m['vocabSize'] === 'number' ? m['vocabSize'] : 1;
  const createdAt = iso(s.createdAt);
  return {
    id: s.id,
    projectId,
    name: substrateName({ label, kind, grid, dim: s.dim, vocabSize, createdAt }),
    label,
    kind,
    grid,
    dim: s.dim,
    vocabSize,
    tokenizerId: s.tokenizerId,
    collisions: typeof m['collisions'] === 'number' ? m['collisions'] : 0,
    path: s.file,
    fontSha256: typeof m['fontSha256'] === 'string' ? m['fontSha256'] : null,
    createdAt,
  };
}

const MERGE_MODES = ['logits', 'weighted', 'probs', 'confidence'] as const;

/** The paramReport breakdown a trained model's provenance carries (services/training.ts), else nulls. */
function breakdown(p: unknown): { frozenBlocks: number | null; frozenSubstrate: number | null } {
  const r = p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
  const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  return { frozenBlocks: n(r['frozenBlocks']), frozenSubstrate: n(r['frozenSubstrate']) };
}

export function modelDto(m: store.Model, runId: string | null): ModelEntry {
  const mode = m.config['mode'];
  const isMerge = m.kind === 'merge';
  return {
    id: m.id,
    projectId: m.projectId,
    kind: m.kind,
    name: m.name,
    depth: m.depth,
    parentId: m.parentId,
    runId,
    experts: m.experts.map((e) => e.modelId),
    mergeMode: isMerge
      ? (MERGE_MODES as readonly unknown[]).includes(mode)
        ? (mode as ModelEntry['mergeMode'])
        : 'logits'
      : null,
    mergeWeights: isMerge ? m.experts.map((e) => e.weight) : null,
    params: {
      total: m.paramsTotal,
      trainable: m.paramsTrainable,
      frozen: Math.max(0, m.paramsTotal - m.paramsTrainable),
      ...breakdown(m.provenance['params']),
    },
    substrateId: m.substrateId ?? '',
    tokenizerId: m.tokenizerId,
    config: m.config,
    provenance: m.provenance,
    folder: m.folder ?? '',
    createdAt: iso(m.createdAt),
  };
}

/** The stored run read through its kind's schema (older spellings mapped, unknown keys dropped). */
export function runDto(r: store.Run): Run {
  const parsed = Run.safeParse({
    id: r.id,
    projectId: r.projectId,
    kind: r.kind,
    status: r.status,
    params: r.params,
    progress: { fraction: Math.min(1, Math.max(0, r.progress)), message: r.message },
    error: r.error,
    result: r.result ?? null,
    checkpoint: r.checkpoint,
    checkpointStep: r.checkpointStep,
    createdAt: iso(r.createdAt),
    startedAt: isoOrNull(r.startedAt),
    finishedAt: isoOrNull(r.finishedAt),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`run ${r.id} (${r.kind}) in the workspace database: ${issue.path.join('.')}: ${issue.message}`);
}

export function evalDto(e: store.EvalResult, datasetName: string): EvalResult {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(e.metrics)) if (v !== null && Number.isFinite(v)) metrics[k] = v;
  return {
    id: e.id,
    modelId: e.modelId,
    runId: e.runId,
    task: (['ppl', 'mc', 'qa', 'bleu'] as const).find((t) => t === e.task) ?? 'ppl',
    protocol: e.protocol.startsWith('paper') ? 'paper' : e.protocol === 'holdout' ? 'holdout' : 'loglik',
    datasetName,
    datasetSha256: e.datasetSha256,
    n: e.n,
    metrics,
    ci95: e.ci95,
    runs: Math.max(1, e.runs),
    seed: e.seed ?? 0,
    createdAt: iso(e.createdAt),
  };
}
