// --help text for the whole CLI and for each command.
import type { Command } from './command';

export function commandHelp(cmd: Command): string {
  const lines = [
    `usage: espalier ${cmd.path.join(' ')} [options]${(cmd.positionals ?? []).map((p) => ` ${p.required ? p.name : `[${p.name}]`}`).join('')}`,
    '',
    cmd.summary,
    '',
  ];
  for (const p of cmd.positionals ?? []) lines.push(`  ${p.name.padEnd(28)} ${p.description}`);
  lines.push('options:');
  for (const o of cmd.options) {
    const flag = `--${o.name}${o.kind === 'boolean' ? '' : ` ${o.metavar ?? o.kind.toUpperCase()}`}`;
    const extra = o.required ? ' (required)' : o.default !== undefined ? ` (default: ${o.default})` : '';
    const rep = o.kind === 'list' ? ' (repeatable)' : '';
    lines.push(`  ${flag.padEnd(28)} ${o.description}${rep}${extra}`);
  }
  lines.push(`  ${'--json'.padEnd(28)} print exactly one JSON document on stdout`);
  lines.push(`  ${'--help'.padEnd(28)} show this help`);
  return lines.join('\n');
}

export function globalHelp(commands: Command[]): string {
  const lines = [
    'usage: espalier <command> [options]',
    '',
    'Grow transformer language models on a frozen Unicode substrate.',
    '',
    'commands:',
  ];
  for (const c of commands) lines.push(`  ${c.path.join(' ').padEnd(22)} ${c.summary}`);
  lines.push('', 'Run `espalier <command> --help` for the options of one command.');
  return lines.join('\n');
}
