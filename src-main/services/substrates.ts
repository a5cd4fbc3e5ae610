// Substrates: the project's frozen embedding tables — list, build (tokenizer + substrate in a 'substrate' job,
// both registered when it is done) and look up a token (its ids, glyph bitmap and nearest neighbours).
import type { z } from 'zod';
import { parseRunParams, parseRunResult, type RunResult } from '../../src-shared/runs';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { InvokeRequest, InvokeResponse } from '../../src-shared/contract';
import type { Substrate as SubstrateDto } from '../../src-shared/domain';
import {
  loadSubstrate,
  loadUnifont,
  nearestTokens,
  pieceLabel,
  renderToken,
  resolveFontPath,
  type Substrate,
  type UnifontFont,
} from '../engine/substrate';
import { loadTokenizer, type Tokenizer } from '../engine/tokenizer';
import { sha256Hex } from '../engine/util/hash';
import { UserError } from '../common/errors';
import type * as store from '../store/index';
import { newId } from '../store/index';
import { SubstrateResult } from '../worker/job-types';
import {
  datasetTextFile,
  requireDataset,
  requireProject,
  requireSubstrate,
  storedToAbs,
  substrateFile,
  tokenizerFile,
} from './catalog';
import type { ServiceContext } from './context';
import { substrateDto } from './dto';

type BuildReq = Required<
  Pick<InvokeRequest<'substrates.build'>, 'projectId' | 'kind' | 'dim' | 'grid' | 'ngrams' | 'seed'>
> &
  Pick<
    InvokeRequest<'substrates.build'>,
    'fontPath' | 'matrixPath' | 'fontUpload' | 'matrixUpload' | 'vocabularyDatasetIds'
  >;

interface Loaded {
  sub: Substrate;
  tok: Tokenizer;
}

export class SubstratesService {
  private readonly cache = new Map<string, Loaded>();
  private font: { path: string; font: UnifontFont } | null = null;

  constructor(private readonly c: ServiceContext) {
    c.runs.register('substrate', {
      prepare: (run) => {
        const p = parseRunParams('substrate', run.id, run.params);
        const reuse = p.reuseTokenizerId !== null ? c.ws.tokenizers.get(p.reuseTokenizerId) : undefined;
        return {
          kind: p.kind,
          dim: p.dim,
          grid: p.grid,
          ngrams: p.ngrams,
          seed: p.seed,
          ...(p.fontPath !== undefined ? { fontPath: p.fontPath } : {}),
          ...(p.matrixPath !== undefined ? { matrixPath: p.matrixPath } : {}),
          corpora: p.datasetIds.map((id) => ({ datasetId: id, file: datasetTextFile(c.ws, requireDataset(c.ws, id)) })),
          reuseTokenizerFile: reuse ? storedToAbs(c.ws, reuse.file) : null,
          tokenizersDir: c.ws.paths.tokenizersDir,
          substratesDir: c.ws.paths.substratesDir,
        };
      },
      result: SubstrateResult,
      complete: (run, r) => this.record(run, r),
    });
  }

  /** Substrates the project built, chose, or trained models on (substrates are shared, content-addressed). */
  list(req: { projectId: string }): SubstrateDto[] {
    const { ws } = this.c;
    const p = requireProject(ws, req.projectId);
    const ids = new Set<string>();
    for (const r of ws.runs.list({ projectId: p.id, kind: 'substrate', status: 'done' })) {
      const id = parseRunResult('substrate', r.id, r.result)?.substrateId;
      if (id) ids.add(id);
    }
    if (p.substrateId) ids.add(p.substrateId);
    for (const m of ws.models.list(p.id)) if (m.substrateId) ids.add(m.substrateId);
    return [...ids]
      .flatMap((id) => {
        const s = ws.substrates.get(id);
        return s ? [s] : [];
      })
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((s) => substrateDto(s, p.id))
      .map((s, _i, all) =>
        all.filter((o) => o.name === s.name).length > 1 ? { ...s, name: `${s.name} · ${s.id.slice(0, 8)}` } : s,
      );
  }

  setLabel(req: { projectId: string; id: string; label: string }): SubstrateDto {
    const { ws } = this.c;
    requireProject(ws, req.projectId);
    requireSubstrate(ws, req.id);
    ws.substrates.setLabel(req.id, req.label);
    return (
      this.list({ projectId: req.projectId }).find((s) => s.id === req.id) ??
      substrateDto(requireSubstrate(ws, req.id), req.projectId)
    );
  }

  delete(req: { id: string }): { ok: true; freedBytes: number } {
    requireSubstrate(this.c.ws, req.id);
    const freedBytes = this.c.ws.deleteSubstrate(req.id);
    this.cache.delete(req.id);
    return { ok: true, freedBytes };
  }

  build(req: BuildReq): { runId: string } {
    const { ws, runs } = this.c;
    requireProject(ws, req.projectId);
    // Benchmarks never shape a vocabulary: only training text does — all of it, or the datasets the form chose.
    const all = ws.datasets.list(req.projectId, { split: 'train' }).filter((d) => d.kind === 'text' && d.textPath);
    if (all.length === 0)
      throw new UserError(
        'the project has no training dataset yet; import one (split "train") before building a substrate',
      );
    const chosen = req.vocabularyDatasetIds;
    const train = chosen ? all.filter((d) => chosen.includes(d.id)) : all;
    for (const id of chosen ?? []) {
      if (!all.some((d) => d.id === id))
        throw new UserError(
          `vocabularyDatasetIds: ${ws.datasets.get(id)?.name ?? id} is not a training text of this project`,
        );
    }
    // Browser mode: an uploaded font or matrix is kept in the workspace and used as its file.
    const { fontUpload, matrixUpload } = req;
    req = { ...req, fontUpload: undefined, matrixUpload: undefined, vocabularyDatasetIds: undefined };
    if (fontUpload) req = { ...req, fontPath: this.saveUpload(fontUpload) };
    if (matrixUpload) req = { ...req, matrixPath: this.saveUpload(matrixUpload) };
    // Checked now so the message reaches the form at once; the job checks again where it runs.
    if (req.fontPath !== undefined && !fontUpload)
      req = { ...req, fontPath: this.c.hostPaths.file('fontPath', req.fontPath) };
    if (req.matrixPath !== undefined && !matrixUpload)
      req = { ...req, matrixPath: this.c.hostPaths.file('matrixPath', req.matrixPath) };
    if (req.kind === 'glyph') resolveFontPath(req.fontPath);
    if (req.kind === 'glyph' && req.dim > req.grid * req.grid)
      throw new UserError(
        `dim ${req.dim} exceeds the ${req.grid * req.grid} pixels of a ${req.grid}×${req.grid} glyph; lower dim or use grid 32`,
      );
    if (req.kind === 'imported' && (!req.matrixPath || !existsSync(req.matrixPath))) {
      throw new UserError(
        req.matrixPath
          ? `${req.matrixPath}: no such file`
          : 'an imported substrate needs matrixPath: a [vocabSize, dim] .npy or .safetensors file',
      );
    }
    // A tokenizer is a function of (training texts, ngrams): the same inputs reuse the registered one.
    const sourceKey = sha256Hex(`ngrams=${req.ngrams}\n`, ...train.map((d) => `${d.textSha256 ?? d.sha256}\n`));
    const reuse = ws.tokenizers.list().find((t) => t.metadata['sourceKey'] === sourceKey);
    const params = { ...req, datasetIds: train.map((d) => d.id), sourceKey, reuseTokenizerId: reuse?.id ?? null };
    const run = runs.enqueue({
      projectId: req.projectId,
      kind: 'substrate',
      name: `${req.kind} substrate`,
      params,
      message: `queued: ${req.kind} substrate`,
    });
    return { runId: run.id };
  }

  /** Writes an uploaded font or matrix under the workspace (its file name kept, made harmless); returns its path. */
  private saveUpload(u: { fileName: string; base64: string }): string {
    const name =
      basename(u.fileName.replace(/\\/g, '/'))
        .replace(/[^\p{L}\p{N}._-]/gu, '_')
        .replace(/^\.+/, '') || 'upload';
    const dir = join(this.c.ws.paths.substratesDir, 'uploads', newId('ds').slice(3));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(u.base64, 'base64'));
    return file;
  }

  private record(run: store.Run, r: z.output<typeof SubstrateResult>): RunResult<'substrate'> {
    const { ws, bus } = this.c;
    const p = parseRunParams('substrate', run.id, run.params);
    let counts: { filled: string[]; kept: string[] } = { filled: [], kept: [] };
    ws.transaction(() => {
      ws.tokenizers.register({
        id: r.tokenizer.id,
        name: `unicode + ${r.tokenizer.ngrams} n-grams`,
        kind: 'unicode-ngram',
        vocabSize: r.tokenizer.vocabSize,
        file: ws.paths.toStored(r.tokenizer.file),
        metadata: { ngrams: p.ngrams, sourceKey: p.sourceKey, datasetIds: p.datasetIds, projectId: run.projectId },
      });
      const s = r.substrate;
      ws.substrates.register({
        id: s.id,
        tokenizerId: r.tokenizer.id,
        name: `${s.kind} ${s.dim}d · ${s.vocabSize} tokens`,
        kind: s.kind,
        dim: s.dim,
        file: ws.paths.toStored(s.file),
        metadata: {
          ...s.meta,
          vocabSize: s.vocabSize,
          collisions: s.collisions,
          collisionGroups: s.collisionGroups,
          fontPath: s.fontPath,
          projectId: run.projectId,
        },
      });
      if (!ws.projects.require(run.projectId).substrateId) ws.projects.setSubstrate(run.projectId, s.id);
      counts = recordTokenCounts(ws, r.tokenizer.id, r.datasetTokens);
    });
    bus.emit('datasets.changed', { projectId: run.projectId });
    const tokenizerNote = r.tokenizer.reused
      ? 'reused the tokenizer of the same training datasets'
      : newTokenizerNote(ws, run.projectId, p, r.tokenizer.id);
    const kept =
      counts.kept.length > 0
        ? `; ${counts.kept.length} dataset(s) keep their token counts under their earlier tokenizer, with this tokenizer's counts shown beside them`
        : '';
    ws.runs.setMessage(
      run.id,
      `${r.substrate.kind} substrate ${r.substrate.id.slice(0, 12)}…: ${r.substrate.vocabSize} tokens × ${r.substrate.dim} · ${tokenizerNote}${kept}`,
    );
    return {
      substrateId: r.substrate.id,
      tokenizerId: r.tokenizer.id,
      tokenizerReused: r.tokenizer.reused,
      collisions: r.substrate.collisions,
    };
  }

  private load(id: string): Loaded {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const rec = requireSubstrate(this.c.ws, id);
    const loaded = {
      sub: loadSubstrate(substrateFile(this.c.ws, rec)),
      tok: loadTokenizer(tokenizerFile(this.c.ws, rec.tokenizerId)),
    };
    // A couple of tables is plenty for the inspector; each can be tens of MB.
    if (this.cache.size >= 2) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, loaded);
    return loaded;
  }

  private loadFont(preferred: unknown): UnifontFont | null {
    let path: string;
    try {
      path = typeof preferred === 'string' && existsSync(preferred) ? preferred : resolveFontPath();
    } catch {
      return null;
    }
    if (this.font?.path !== path) this.font = { path, font: loadUnifont(path) };
    return this.font.font;
  }

  lookup(req: { substrateId: string; token: string }): InvokeResponse<'substrates.lookup'> {
    const { sub, tok } = this.load(req.substrateId);
    const ids = Array.from(tok.encode(req.token));
    if (ids.length === 0) throw new UserError('the token is empty');
    const first = ids[0]!;
    const bitmap: number[][] = [];
    if (sub.kind === 'glyph') {
      const font = this.loadFont(requireSubstrate(this.c.ws, req.substrateId).metadata['fontPath']);
      if (font) {
        const grid = sub.meta.grid === 32 ? 32 : 16;
        const squeeze = sub.meta.squeeze === 'or' ? 'or' : 'subsample';
        // One token: exactly the bitmap its row came from; several: the whole string squeezed into one cell.
        const b = renderToken(ids.length === 1 ? tok.pieces[first]! : req.token, font, { grid, squeeze });
        for (let r = 0; r < b.size; r++) bitmap.push(Array.from(b.bits.subarray(r * b.size, (r + 1) * b.size)));
      }
    }
    const nearest = nearestTokens(sub.matrix, sub.dim, first, 8).map((n) => ({
      token: pieceLabel(tok.pieces[n.id]!),
      cosine: Number.isFinite(n.cosine) ? n.cosine : 0,
    }));
    return { tokenIds: ids, bitmap, nearest };
  }
}

/**
 * Records the job's token counts under its tokenizer (tokenizers' metadata) and fills in datasets never counted;
 * a dataset already counted with another tokenizer keeps its figure (the Datasets view shows both).
 */
function recordTokenCounts(
  ws: ServiceContext['ws'],
  tokenizerId: string,
  counts: Record<string, number>,
): { filled: string[]; kept: string[] } {
  const present = Object.fromEntries(Object.entries(counts).filter(([id]) => ws.datasets.get(id)));
  ws.tokenizers.recordDatasetTokens(tokenizerId, present);
  const filled: string[] = [];
  const kept: string[] = [];
  for (const [id, tokens] of Object.entries(present)) {
    const d = ws.datasets.require(id);
    if (d.tokens === null || d.tokenizerId === null || d.tokenizerId === tokenizerId) {
      if (d.tokens !== tokens || d.tokenizerId !== tokenizerId) ws.datasets.update(id, { tokens, tokenizerId });
      filled.push(id);
    } else kept.push(id);
  }
  return { filled, kept };
}

/** Why a build made a new tokenizer: what changed since the project's previous one (datasets, n-grams). */
function newTokenizerNote(
  ws: ServiceContext['ws'],
  projectId: string,
  p: { ngrams: number; datasetIds: string[] },
  tokenizerId: string,
): string {
  const prev = ws.tokenizers
    .list()
    .filter((t) => t.id !== tokenizerId && t.metadata['projectId'] === projectId)
    .at(-1);
  if (!prev) return 'built a new tokenizer from the training datasets';
  const before = new Set(
    Array.isArray(prev.metadata['datasetIds'])
      ? (prev.metadata['datasetIds'] as unknown[]).filter((x): x is string => typeof x === 'string')
      : [],
  );
  const name = (id: string) => ws.datasets.get(id)?.name ?? 'a deleted dataset';
  const added = p.datasetIds.filter((id) => !before.has(id)).map((id) => `+ ${name(id)}`);
  const removed = [...before].filter((id) => !p.datasetIds.includes(id)).map((id) => `− ${name(id)}`);
  const why = [...added, ...removed];
  if (prev.metadata['ngrams'] !== p.ngrams) why.push(`n-grams ${String(prev.metadata['ngrams'])} → ${p.ngrams}`);
  return `built a new tokenizer: the training data changed since the last one (${why.join(', ') || 'same datasets, edited text'})`;
}
