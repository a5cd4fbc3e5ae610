// The shape of a CLI command: its path, options and runner. Each command lives in commands/<name>.ts.

export type OptionKind = 'string' | 'number' | 'boolean' | 'list';

export interface OptionSpec {
  /** Long name without dashes, e.g. "corpus" for --corpus. */
  name: string;
  kind: OptionKind;
  description: string;
  /** Value placeholder in --help, e.g. FILE. */
  metavar?: string;
  required?: boolean;
  default?: string | number | boolean;
}

export type ParsedOptions = Record<string, string | number | boolean | string[] | undefined>;

export interface CommandContext {
  /** True when --json was given: stdout gets exactly one JSON document. */
  json: boolean;
  /** Human-readable log line to stderr. */
  log(message: string): void;
  /**
   * Updates the progress on stderr (progress.ts: a bar with ETA on a terminal, plain lines otherwise);
   * etaSeconds overrides the ETA estimated from the rate so far.
   */
  progress(label: string, done: number, total: number, extra?: string, etaSeconds?: number): void;
  /** Ends the current progress line. */
  progressDone(): void;
}

export interface Command {
  /** Words that select the command, e.g. ["vocab", "build"]. */
  path: string[];
  summary: string;
  options: OptionSpec[];
  /** Positional arguments, described for --help. */
  positionals?: { name: string; description: string; required?: boolean }[];
  /**
   * Runs the command. The returned object is printed as JSON with --json,
   * otherwise `human(result)` (or a key: value listing) is printed.
   */
  run(opts: ParsedOptions, positionals: string[], ctx: CommandContext): Promise<unknown>;
  human?(result: unknown): string;
}

export function defineCommand(cmd: Command): Command {
  return cmd;
}

/** Typed accessors for parsed options. */
export function str(opts: ParsedOptions, name: string): string {
  const v = opts[name];
  return typeof v === 'string' ? v : String(v ?? '');
}
export function optStr(opts: ParsedOptions, name: string): string | undefined {
  const v = opts[name];
  return v === undefined ? undefined : String(v);
}
export function num(opts: ParsedOptions, name: string): number {
  return Number(opts[name]);
}
export function optNum(opts: ParsedOptions, name: string): number | undefined {
  const v = opts[name];
  return v === undefined ? undefined : Number(v);
}
export function list(opts: ParsedOptions, name: string): string[] {
  const v = opts[name];
  return Array.isArray(v) ? v : v === undefined ? [] : [String(v)];
}
export function bool(opts: ParsedOptions, name: string): boolean {
  return opts[name] === true;
}
