// Datasets: list, import (a local path, or uploaded bytes in browser mode) through the 'import' job — training text
// or a benchmark file —, preview, split role, languages, delete. The worker parses and measures; main records the row.
import type { z } from 'zod';
import { parseRunParams, type RunResult } from '../../src-shared/runs';
import { closeSync, existsSync, lstatSync, mkdirSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { InvokeRequest } from '../../src-shared/contract';
import type { Dataset } from '../../src-shared/domain';
import { userErrorIfDiskFull } from '../engine/util/disk-full';
import { UserError } from '../common/errors';
import { READ_LIMITS } from '../engine/util/read-capped';
import { newId } from '../store/index';
import type * as store from '../store/index';
import { ImportResult } from '../worker/job-types';
import {
  datasetSourceFile,
  datasetTextFile,
  requireDataset,
  requireProject,
  storedToAbs,
  tokenCountsByDataset,
  tokenizerFile,
  uniqueDatasetName,
  uploadDir,
} from './catalog';
import type { ServiceContext } from './context';
import { formatFromPath } from '../lib/datasets/import';
import { benchmarkRecord, datasetRecord } from '../lib/datasets/record';
import type { BenchmarkFormat } from '../lib/datasets/benchmark-detect';
import { previewBenchmark } from '../lib/datasets/benchmark-preview';
import { datasetDto } from './dto';
import { openRegularFile } from '../engine/util/read-capped';

type ImportReq = Omit<InvokeRequest<'datasets.import'>, 'split' | 'kind'> & {
  split: 'train' | 'val' | 'test';
  kind?: 'auto' | 'text' | 'benchmark';
};

const MAX_UPLOAD = READ_LIMITS.upload;

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Keeps an uploaded file's name recognisable (the eval loaders read language pairs from it) but harmless. */
function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^\.+/, '');
  return base.slice(-200) || 'upload.txt';
}

export class DatasetsService {
  constructor(private readonly c: ServiceContext) {
    c.runs.register('import', {
      prepare: (run) => {
        const p = parseRunParams('import', run.id, run.params);
        return {
          file: storedToAbs(c.ws, p.source),
          ...(p.format ? { format: p.format } : {}),
          ...(p.field !== undefined ? { field: p.field } : {}),
          destination: c.ws.paths.datasetText(p.datasetId),
          kind: p.kind,
          displayName: p.fileName,
          ...this.projectTokenizer(run.projectId),
        };
      },
      result: ImportResult,
      complete: (run, r) => this.recordImport(run, r),
      // A failed or cancelled import keeps nothing: its upload and any partial extracted text go.
      ended: (run) => this.removeImportFiles(String(run.params['datasetId'])),
    });
  }

  list(req: { projectId: string }): Dataset[] {
    requireProject(this.c.ws, req.projectId);
    const counts = tokenCountsByDataset(this.c.ws);
    return this.c.ws.datasets.list(req.projectId).map((d) => datasetDto(d, counts.get(d.id) ?? []));
  }

  /** Checks what can be checked at once (file exists, format known), then queues the 'import' job. */
  import(req: ImportReq): { runId: string } {
    const { ws, runs } = this.c;
    requireProject(ws, req.projectId);
    const datasetId = newId('ds');
    let source: string;
    let fileName: string;
    if (req.upload) {
      fileName = safeFileName(req.upload.fileName);
      const bytes = Buffer.from(req.upload.base64, 'base64');
      if (bytes.length > MAX_UPLOAD)
        throw new UserError(`${fileName} is ${(bytes.length / 2 ** 20).toFixed(0)} MiB; uploads are limited to 64 MiB`);
      const dir = uploadDir(ws, datasetId);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, fileName), bytes);
      } catch (err) {
        // A partial upload on a full disk would keep the disk full for every later request: remove it.
        rmSync(dir, { recursive: true, force: true });
        throw userErrorIfDiskFull(err, join(dir, fileName));
      }
      source = ws.paths.toStored(join(dir, fileName));
    } else {
      const file = this.c.hostPaths.file('path', req.path!);
      if (!existsSync(file) && !isSymlink(file)) throw new UserError(`${file}: no such file`);
      // A link could be re-pointed (at a device, a pipe, another file) between this check and the job's read.
      if (isSymlink(file))
        throw new UserError(`${file} is a symbolic link; choose the file it points to (datasets are read in place)`);
      if (!statSync(file).isFile())
        throw new UserError(`${file} is not a file; choose a .txt, .jsonl, .csv or .parquet file`);
      closeSync(openRegularFile(file, 'dataset file').fd); // devices and pseudo-files: one line, before queuing
      fileName = basename(file);
      source = file;
    }
    const kind = req.kind ?? 'auto';
    try {
      // SQuAD's .json has no text format: only a benchmark import reads it.
      if (!req.format && !(kind !== 'text' && /\.json$/i.test(fileName))) formatFromPath(fileName);
    } catch (err) {
      if (req.upload) rmSync(uploadDir(ws, datasetId), { recursive: true, force: true });
      throw err;
    }
    const name = req.name ?? (basename(fileName, extname(fileName)) || fileName);
    const params = {
      datasetId,
      name,
      split: req.split,
      source,
      fileName,
      kind,
      ...(req.format ? { format: req.format } : {}),
      ...(req.field ? { field: req.field } : {}),
    };
    const run = runs.enqueue({
      projectId: req.projectId,
      kind: 'import',
      name: `import ${fileName}`,
      params,
      message: `queued: import ${fileName}`,
    });
    return { runId: run.id };
  }

  private removeImportFiles(datasetId: string): void {
    const { ws } = this.c;
    if (ws.datasets.get(datasetId)) return;
    rmSync(uploadDir(ws, datasetId), { recursive: true, force: true });
    rmSync(ws.paths.datasetText(datasetId), { force: true });
  }

  /** The project's tokenizer file, when it has one that is still on disk (counting is then part of the import). */
  private projectTokenizer(projectId: string): { tokenizer?: { id: string; file: string } } {
    const sub = this.c.ws.projects.get(projectId)?.substrateId;
    const id = sub ? this.c.ws.substrates.get(sub)?.tokenizerId : undefined;
    if (!id) return {};
    try {
      const file = tokenizerFile(this.c.ws, id);
      return existsSync(file) ? { tokenizer: { id, file } } : {};
    } catch {
      return {};
    }
  }

  private recordImport(run: store.Run, parsed: z.output<typeof ImportResult>): RunResult<'import'> {
    const { ws, bus } = this.c;
    const stats = parsed.stats;
    const p = parseRunParams('import', run.id, run.params);
    const id = p.datasetId;
    const source = p.source;
    const place = { id, projectId: run.projectId, name: uniqueDatasetName(ws, run.projectId, p.name), split: p.split };
    const rec =
      'kind' in stats
        ? // A benchmark is evaluation data whatever split was asked: it never joins training.
          benchmarkRecord(stats, { ...place, split: 'test' })
        : datasetRecord(stats, { ...place, textPath: ws.paths.toStored(ws.paths.datasetText(id)) });
    // `source` is already in stored form: the user's absolute path, or an upload relative to the workspace.
    const counted =
      parsed.tokens && !('kind' in stats) && ws.tokenizers.get(parsed.tokens.tokenizerId) ? parsed.tokens : null;
    const d = ws.transaction(() => {
      const created = ws.datasets.create({
        ...rec,
        sourcePath: source,
        ...(counted ? { tokens: counted.tokens, tokenizerId: counted.tokenizerId } : {}),
      });
      if (counted) ws.tokenizers.recordDatasetTokens(counted.tokenizerId, { [created.id]: counted.tokens });
      return created;
    });
    bus.emit('datasets.changed', { projectId: run.projectId });
    const what =
      d.kind === 'benchmark'
        ? `benchmark (${d.task}), ${d.records.toLocaleString('en')} items`
        : `${d.characters.toLocaleString('en')} characters`;
    ws.runs.setMessage(run.id, `imported "${d.name}": ${what}`);
    return {
      datasetId: d.id,
      characters: d.characters,
      records: d.records,
      language: d.language,
      kind: d.kind,
      task: d.task,
    };
  }

  /** The first lines of the extracted text, or of a benchmark's own file (reads only the head of the file). */
  preview(req: { id: string; lines: number; chars?: number }): { lines: string[] } {
    const d = requireDataset(this.c.ws, req.id);
    if (d.kind === 'benchmark' && d.benchFormat)
      return { lines: previewBenchmark(datasetSourceFile(this.c.ws, d), d.benchFormat as BenchmarkFormat, req.lines) };
    const file = d.kind === 'benchmark' ? datasetSourceFile(this.c.ws, d) : datasetTextFile(this.c.ws, d);
    // A regular file only (a device or pipe behind a link is refused); datasetTextFile/SourceFile keep it in the workspace.
    const { fd, size } = openRegularFile(file, 'dataset file');
    try {
      const buf = Buffer.alloc(Math.min(size, 256 * 1024));
      const n = readSync(fd, buf, 0, buf.length, 0);
      // Cut at the last newline so no multi-byte character or line is split.
      let text = buf.subarray(0, n).toString('utf8');
      if (n === buf.length && n < size) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
      const all = text.split('\n').map((l) => (l.length > 2000 ? `${l.slice(0, 2000)}…` : l));
      // Short lines: keep going past `lines` until `chars` characters are shown (a dozen lines can be 200 characters).
      let end = Math.min(req.lines, all.length);
      let shown = all.slice(0, end).reduce((a, l) => a + l.length, 0);
      while (req.chars !== undefined && shown < req.chars && end < Math.min(all.length, 200))
        shown += all[end++]!.length;
      return { lines: all.slice(0, end) };
    } finally {
      closeSync(fd);
    }
  }

  setSplit(req: { id: string; split: store.DatasetSplit }): Dataset {
    const d = requireDataset(this.c.ws, req.id);
    if (d.kind === 'benchmark' && req.split === 'train')
      throw new UserError(`"${d.name}" is a benchmark: it evaluates models and is never training text`);
    const out = datasetDto(this.c.ws.datasets.update(req.id, { split: req.split }));
    this.c.bus.emit('datasets.changed', { projectId: d.projectId });
    return out;
  }

  /** A person's word on the languages (primary first); null returns to the detected mix. */
  setLanguages(req: { id: string; languages: string[] | null }): Dataset {
    const d = requireDataset(this.c.ws, req.id);
    const out = datasetDto(this.c.ws.datasets.update(req.id, { languagesSet: req.languages }));
    this.c.bus.emit('datasets.changed', { projectId: d.projectId });
    return out;
  }

  delete(req: { id: string }): { ok: true } {
    const { ws, bus } = this.c;
    const d = requireDataset(ws, req.id);
    ws.deleteDataset(req.id);
    rmSync(uploadDir(ws, req.id), { recursive: true, force: true });
    bus.emit('datasets.changed', { projectId: d.projectId });
    return { ok: true };
  }
}
