// A workspace: one folder holding espalier.db plus model, run and dataset files; bundles the repositories.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { diskBytes } from './disk';
import { UserError } from '../common/errors';
import { type Db, openDatabase } from './db';
import { migrate, type MigrateResult, schemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION } from './migrations/index';
import { WorkspacePaths } from './paths';
import type { RepoContext } from './repos/context';
import { DatasetsRepo } from './repos/datasets';
import { EvalsRepo } from './repos/evals';
import { MetricsRepo } from './repos/metrics';
import { RunLogsRepo } from './repos/run-logs';
import { ModelsRepo } from './repos/models';
import { ProjectsRepo } from './repos/projects';
import { RunsRepo } from './repos/runs';
import { StudiesRepo } from './repos/studies';
import { SubstratesRepo } from './repos/substrates';
import { TokenizersRepo } from './repos/tokenizers';

export interface OpenWorkspaceOptions {
  /** Create the folder and database when missing (default true); false demands an existing workspace. */
  create?: boolean;
  /** Bring an older schema up to date (default true); false refuses an outdated database instead. */
  migrate?: boolean;
  /** Copy an existing database aside before migrating it (default true). */
  backup?: boolean;
  busyTimeoutMs?: number;
  /** Clock for timestamps (tests). */
  now?: () => number;
}

const TABLES = [
  'projects',
  'datasets',
  'tokenizers',
  'substrates',
  'models',
  'runs',
  'metrics',
  'run_logs',
  'eval_results',
  'studies',
] as const;

/** What deleting a model freed: its own folder, plus its substrate file when it was the last user. */
export interface ModelRemoval {
  freedBytes: number;
  substrateFreed: boolean;
}

export interface WorkspaceInfo {
  root: string;
  dbFile: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  journalMode: string;
  /** espalier.db plus its -wal file. */
  dbBytes: number;
  /** Row counts of the tables that exist at this schema version. */
  counts: Record<string, number>;
}

function tableCounts(db: Db): Record<string, number> {
  const present = new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name),
  );
  const counts: Record<string, number> = {};
  for (const t of TABLES)
    if (present.has(t)) counts[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  return counts;
}

/** The main file plus its write-ahead log: what the database occupies right now. */
function dbSize(file: string): number {
  const wal = `${file}-wal`;
  return statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0);
}

function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export class Workspace {
  readonly paths: WorkspacePaths;
  readonly db: Db;
  readonly projects: ProjectsRepo;
  readonly datasets: DatasetsRepo;
  readonly tokenizers: TokenizersRepo;
  readonly substrates: SubstratesRepo;
  readonly models: ModelsRepo;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly runLogs: RunLogsRepo;
  readonly evals: EvalsRepo;
  readonly studies: StudiesRepo;
  /** What opening did to the schema (from === to when nothing was needed). */
  readonly migration: MigrateResult;
  private closed = false;

  private constructor(paths: WorkspacePaths, db: Db, migration: MigrateResult, now: () => number) {
    this.paths = paths;
    this.db = db;
    this.migration = migration;
    const ctx: RepoContext = { db, now };
    this.projects = new ProjectsRepo(ctx);
    this.datasets = new DatasetsRepo(ctx);
    this.tokenizers = new TokenizersRepo(ctx);
    this.substrates = new SubstratesRepo(ctx);
    this.models = new ModelsRepo(ctx);
    this.runs = new RunsRepo(ctx);
    this.metrics = new MetricsRepo(ctx);
    this.runLogs = new RunLogsRepo(ctx);
    this.evals = new EvalsRepo(ctx);
    this.studies = new StudiesRepo(ctx);
  }

  /** Opens (by default creating and migrating) the workspace in `dir`. */
  static open(dir: string, opts: OpenWorkspaceOptions = {}): Workspace {
    const paths = new WorkspacePaths(dir);
    const now = opts.now ?? Date.now;
    if (opts.create === false && !existsSync(paths.dbFile)) {
      throw new UserError(
        `no workspace at ${paths.root} (no espalier.db there); create one with: espalier workspace init --workspace ${paths.root}`,
      );
    }
    if (existsSync(paths.root) && !statSync(paths.root).isDirectory())
      throw new UserError(`workspace path ${paths.root} is a file, not a folder`);
    mkdirSync(paths.root, { recursive: true });
    const db = openDatabase(paths.dbFile, { busyTimeoutMs: opts.busyTimeoutMs });
    try {
      const from = schemaVersion(db);
      let result: MigrateResult = { from, to: from, applied: [] };
      if (opts.migrate === false) {
        if (from !== LATEST_SCHEMA_VERSION) {
          const fix =
            from < LATEST_SCHEMA_VERSION
              ? `run: espalier workspace migrate --workspace ${paths.root}`
              : 'use a newer Espalier';
          throw new UserError(
            `workspace ${paths.root} has schema v${from}; this Espalier needs v${LATEST_SCHEMA_VERSION} (${fix})`,
          );
        }
      } else {
        const backupPath = opts.backup === false ? undefined : `${paths.dbFile}.v${from}-${stamp(now())}.bak`;
        result = migrate(db, { backupPath, now });
      }
      return new Workspace(paths, db, result, now);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Reads a workspace's state without migrating or creating anything (for `workspace info`). */
  static inspect(dir: string): WorkspaceInfo {
    const paths = new WorkspacePaths(dir);
    if (!existsSync(paths.dbFile)) throw new UserError(`no workspace at ${paths.root} (no espalier.db there)`);
    const db = openDatabase(paths.dbFile, { readonly: true });
    try {
      return {
        root: paths.root,
        dbFile: paths.dbFile,
        schemaVersion: schemaVersion(db),
        latestSchemaVersion: LATEST_SCHEMA_VERSION,
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        dbBytes: dbSize(paths.dbFile),
        counts: tableCounts(db),
      };
    } finally {
      db.close();
    }
  }

  get root(): string {
    return this.paths.root;
  }

  info(): WorkspaceInfo {
    return {
      root: this.paths.root,
      dbFile: this.paths.dbFile,
      schemaVersion: schemaVersion(this.db),
      latestSchemaVersion: LATEST_SCHEMA_VERSION,
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      dbBytes: dbSize(this.paths.dbFile),
      counts: tableCounts(this.db),
    };
  }

  /** Runs `fn` in one transaction across repositories (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // Deletions below commit the rows first, then remove files: a crash in between leaves an
  // orphan folder (harmless, reclaimable), never a catalog entry pointing at missing weights.

  /** Deletes a model's row and its folder. Refuses (changing nothing) while a merge uses it. */
  deleteModel(id: string): boolean {
    return this.removeModel(id) !== null;
  }

  /**
   * Deletes a model (as deleteModel) and frees its substrate too when nothing references it any more (no model in
   * any project, no project's choice, no build run listing it); returns what that freed, or null without such a model.
   */
  removeModel(id: string): ModelRemoval | null {
    const m = this.models.get(id);
    if (!m) return null;
    // A merge has no folder, but its tuned heads live in models/<id>/.
    const dirs = [
      ...(m.folder ? [this.paths.fromStored(m.folder)] : []),
      ...(m.kind === 'merge' ? [this.paths.modelDir(id)] : []),
    ];
    const bytes = dirs.reduce((n, d) => n + diskBytes(d), 0);
    this.models.delete(id);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    const sub = m.substrateId ? this.releaseSubstrates([m.substrateId]) : 0;
    return { freedBytes: bytes + sub, substrateFreed: sub > 0 };
  }

  /**
   * Deletes those of the given substrates that nothing references any more (rows, then their files inside the
   * workspace); returns the bytes freed. A substrate the user chose or built in a project stays.
   */
  releaseSubstrates(ids: Iterable<string>): number {
    let freed = 0;
    for (const id of new Set(ids)) {
      const s = this.substrates.get(id);
      if (!s) continue;
      const refs = this.substrates.references(id);
      if (refs.models > 0 || refs.projects > 0 || refs.builds > 0) continue;
      this.substrates.delete(id);
      // A user's file registered by absolute path is never the workspace's to delete.
      if (isAbsolute(s.file)) continue;
      const file = this.paths.fromStored(s.file);
      freed += diskBytes(file);
      rmSync(file, { force: true });
    }
    return freed;
  }

  /**
   * Deletes a substrate the user no longer wants (row, then its file in the workspace); refuses while a model is
   * built on it or a project has chosen it, naming them. Returns the bytes freed (0 when there was none).
   */
  deleteSubstrate(id: string): number {
    const s = this.substrates.get(id);
    if (!s) return 0;
    const refs = this.substrates.references(id);
    if (refs.projects > 0) {
      const names = (
        this.db.prepare('SELECT name FROM projects WHERE substrate_id = ? LIMIT 3').all(id) as { name: string }[]
      ).map((p) => `"${p.name}"`);
      throw new UserError(
        `cannot delete the substrate: project(s) ${names.join(', ')} use it; choose another substrate there first`,
      );
    }
    // Refused by the repository (naming the models) while models are built on it.
    this.substrates.delete(id);
    if (isAbsolute(s.file)) return 0;
    const file = this.paths.fromStored(s.file);
    const bytes = diskBytes(file);
    rmSync(file, { force: true });
    return bytes;
  }

  /** Deletes a run (and its metrics) and its checkpoint folder. */
  deleteRun(id: string): boolean {
    if (!this.runs.delete(id)) return false;
    rmSync(this.paths.runDir(id), { recursive: true, force: true });
    return true;
  }

  /** Deletes a dataset's row and its extracted text inside the workspace (never the user's source file). */
  deleteDataset(id: string): boolean {
    const d = this.datasets.get(id);
    if (!d) return false;
    this.datasets.delete(id);
    if (d.textPath) rmSync(this.paths.fromStored(d.textPath), { force: true });
    return true;
  }

  /** Deletes a study's row and its output folder (its arms' catalog models stay: they are models of their own). */
  deleteStudy(id: string): boolean {
    const s = this.studies.get(id);
    if (!s) return false;
    if (s.runId && this.runs.get(s.runId)?.status === 'running')
      throw new UserError('the study is running; cancel it before deleting it');
    this.studies.delete(id);
    if (s.runId) this.deleteRun(s.runId);
    rmSync(this.paths.fromStored(s.outDir), { recursive: true, force: true });
    return true;
  }

  /** Deletes a project with everything in it, rows then files. */
  deleteProject(id: string): boolean {
    if (!this.projects.get(id)) return false;
    if (this.runs.list({ projectId: id, status: 'running' }).length > 0)
      throw new UserError('the project has a running job; cancel it before deleting the project');
    const folders = this.models.list(id).flatMap((m) => (m.folder ? [this.paths.fromStored(m.folder)] : []));
    const runDirs = this.runs.list({ projectId: id }).map((r) => this.paths.runDir(r.id));
    const texts = this.datasets.list(id).flatMap((d) => (d.textPath ? [this.paths.fromStored(d.textPath)] : []));
    const studyDirs = this.studies.list(id).map((s) => this.paths.fromStored(s.outDir));
    const built = this.runs.list({ projectId: id, kind: 'substrate' }).map((r) => {
      const sid =
        r.result && typeof r.result === 'object' ? (r.result as Record<string, unknown>)['substrateId'] : null;
      return typeof sid === 'string' ? sid : null;
    });
    const substrates = [
      this.projects.require(id).substrateId,
      ...this.models.list(id).map((m) => m.substrateId),
      ...built,
    ].filter((s): s is string => s !== null);
    this.projects.delete(id);
    for (const p of [...folders, ...runDirs, ...texts, ...studyDirs]) rmSync(p, { recursive: true, force: true });
    this.releaseSubstrates(substrates);
    return true;
  }

  /** Flushes the WAL into the main file and closes; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another connection may hold the WAL; SQLite checkpoints later on its own.
    }
    this.db.close();
  }
}
