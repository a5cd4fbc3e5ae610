// `espalier workspace init|migrate|info`: create a workspace folder, bring its database schema up to date, or inspect it.
import { existsSync } from 'node:fs';
import { type Command, defineCommand, type OptionSpec, str } from '../command';
import { Workspace, type WorkspaceInfo } from '../../store/index';
import { WorkspacePaths } from '../../store/paths';

const workspaceOpt: OptionSpec = {
  name: 'workspace',
  kind: 'string',
  metavar: 'DIR',
  required: true,
  description: 'the workspace folder (holds espalier.db)',
};
const backupOpt: OptionSpec = {
  name: 'backup',
  kind: 'boolean',
  default: true,
  description: 'copy an existing database to espalier.db.v<N>-<time>.bak before migrating (--no-backup to skip)',
};

function summary(ws: Workspace, created: boolean) {
  const m = ws.migration;
  return { ...ws.info(), created, migratedFrom: m.from, applied: m.applied, backup: m.backup ?? null };
}

function humanInfo(r: unknown): string {
  const i = r as WorkspaceInfo & {
    created?: boolean;
    migratedFrom?: number;
    applied?: { version: number; name: string }[];
    backup?: string | null;
  };
  const lines = [
    `workspace ${i.root}`,
    `schema v${i.schemaVersion} (latest v${i.latestSchemaVersion}), journal ${i.journalMode}, ${i.dbBytes} bytes`,
  ];
  if (i.created) lines.push('created a new workspace');
  if (i.applied?.length) lines.push(`applied: ${i.applied.map((a) => `v${a.version} ${a.name}`).join(', ')}`);
  if (i.backup) lines.push(`backup: ${i.backup}`);
  if (i.schemaVersion < i.latestSchemaVersion)
    lines.push(`outdated: run espalier workspace migrate --workspace ${i.root}`);
  lines.push(
    Object.entries(i.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  );
  return lines.join('\n');
}

const init = defineCommand({
  path: ['workspace', 'init'],
  summary: 'create a workspace folder and its database (an existing one is opened and migrated)',
  options: [workspaceOpt, backupOpt],
  async run(opts) {
    const dir = str(opts, 'workspace');
    const created = !existsSync(new WorkspacePaths(dir).dbFile);
    const ws = Workspace.open(dir, { backup: opts['backup'] !== false });
    try {
      return summary(ws, created);
    } finally {
      ws.close();
    }
  },
  human: humanInfo,
});

const migrateCmd = defineCommand({
  path: ['workspace', 'migrate'],
  summary: "bring an existing workspace's database schema up to date",
  options: [workspaceOpt, backupOpt],
  async run(opts, _pos, ctx) {
    const ws = Workspace.open(str(opts, 'workspace'), { create: false, backup: opts['backup'] !== false });
    try {
      const m = ws.migration;
      ctx.log(m.applied.length ? `migrated v${m.from} → v${m.to}` : `already at v${m.to}; nothing to do`);
      return summary(ws, false);
    } finally {
      ws.close();
    }
  },
  human: humanInfo,
});

const info = defineCommand({
  path: ['workspace', 'info'],
  summary: "show a workspace's schema version and row counts (changes nothing)",
  options: [workspaceOpt],
  async run(opts) {
    return Workspace.inspect(str(opts, 'workspace'));
  },
  human: humanInfo,
});

const workspaceCommands: Command[] = [init, migrateCmd, info];
export default workspaceCommands;
