// Parses argv for one command against its option specs; errors are UserErrors naming the option.
import { UserError } from '../common/errors';
import type { OptionSpec, ParsedOptions } from './command';

export interface ParsedArgs {
  options: ParsedOptions;
  positionals: string[];
  help: boolean;
  json: boolean;
}

export function parseArgs(argv: string[], specs: OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: ParsedOptions = {};
  const positionals: string[] = [];
  let help = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name) ?? (name.startsWith('no-') ? byName.get(name.slice(3)) : undefined);
    if (!spec) throw new UserError(`unknown option --${name} (see --help)`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) options[spec.name] = !['false', '0', 'no'].includes(arg.slice(eq + 1));
      else options[spec.name] = !name.startsWith('no-');
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined)
      throw new UserError(`option --${name} needs a value${spec.metavar ? ` (${spec.metavar})` : ''}`);
    if (spec.kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UserError(`option --${name} expects a number, got "${value}"`);
      options[spec.name] = n;
    } else if (spec.kind === 'list') {
      const prev = options[spec.name];
      options[spec.name] = [...(Array.isArray(prev) ? prev : []), value];
    } else {
      options[spec.name] = value;
    }
  }
  if (!help) {
    for (const s of specs) {
      if (options[s.name] === undefined && s.default !== undefined) options[s.name] = s.default;
      if (s.required && options[s.name] === undefined)
        throw new UserError(`missing required option --${s.name}${s.metavar ? ` ${s.metavar}` : ''}`);
    }
  }
  return { options, positionals, help, json };
}
