// The `espalier` command: dispatches to commands/, prints one JSON document with --json, one error line on failure.
import { userErrorIfDiskFull } from '../engine/util/disk-full';
import { UserError } from '../common/errors';
import { parseArgs } from './args';
import type { Command } from './command';
import { commands } from './commands/index';
import { commandHelp, globalHelp } from './help';
import { createContext, renderHuman } from './output';

/** Edit distance (insertions, deletions, substitutions) between two short words. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The command word within two edits of `word` (the closest one), if any. */
export function suggestCommand(word: string, names: readonly string[]): string | undefined {
  const ranked = [...new Set(names)]
    .map((n) => ({ n, d: distance(word, n) }))
    .filter((x) => x.d <= Math.min(2, Math.max(1, x.n.length - 2)))
    .sort((a, b) => a.d - b.d);
  return ranked[0]?.n;
}

/** Finds the longest command path that prefixes argv. */
function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { cmd: best, rest: argv.slice(best.path.length) } : undefined;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${globalHelp(commands)}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const found = findCommand(argv);
  const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
  if (!found && group.length > 0) {
    // A command group (e.g. `espalier workspace`): list its subcommands.
    process.stdout.write(`${globalHelp(group)}\n`);
    return argv.includes('--help') || argv.includes('-h') ? 0 : 1;
  }
  if (!found) {
    // Exit 1 like every other error, with the nearest command when the word looks like a typo of one.
    // The command words: those before the first option (an option's value is not part of the command).
    const first = argv.findIndex((a) => a.startsWith('-'));
    const words = first < 0 ? argv : argv.slice(0, first);
    const near = suggestCommand(
      argv[0]!,
      commands.map((c) => c.path[0]!),
    );
    process.stderr.write(
      `espalier: error: unknown command "${words.join(' ')}"${near ? `; did you mean ${near}?` : ''} (run espalier --help)\n`,
    );
    return 1;
  }
  const { cmd, rest } = found;
  const wantsJson = rest.includes('--json');
  try {
    const args = parseArgs(rest, cmd.options);
    if (args.help) {
      process.stdout.write(`${commandHelp(cmd)}\n`);
      return 0;
    }
    const ctx = createContext(args.json);
    const result = await cmd.run(args.options, args.positionals, ctx);
    ctx.progressDone();
    if (args.json) process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
    else {
      const text = cmd.human ? cmd.human(result) : renderHuman(result);
      if (text) process.stdout.write(`${text}\n`);
    }
    return 0;
  } catch (caught) {
    const err = userErrorIfDiskFull(caught);
    const raw = err instanceof UserError ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}`;
    const oneLine = raw.replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`espalier: error: ${oneLine}\n`);
    // Stack traces only on request: users get one actionable line.
    if (!(err instanceof UserError) && process.env['ESPALIER_DEBUG'])
      process.stderr.write(`${(err as Error)?.stack}\n`);
    if (wantsJson) process.stdout.write(`${JSON.stringify({ error: oneLine })}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && /cli[\\/]main\.(ts|js|mjs)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`espalier: error: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
