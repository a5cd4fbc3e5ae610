// The CLI's contract: --help everywhere, one JSON document with --json, one error line and non-zero exit on failure.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src-main/cli/args';
import { runCli } from './helpers/cli';

describe('argument parsing', () => {
  const specs = [
    { name: 'corpus', kind: 'list' as const, description: '' },
    { name: 'ngrams', kind: 'number' as const, description: '', default: 100 },
    { name: 'out', kind: 'string' as const, description: '', required: true },
    { name: 'quick', kind: 'boolean' as const, description: '' },
  ];
  it('collects repeated options, numbers, booleans and defaults', () => {
    const a = parseArgs(['--corpus', 'a.txt', '--corpus=b.txt', '--out', 'o', '--quick', '--json'], specs);
    expect(a.options).toEqual({ corpus: ['a.txt', 'b.txt'], out: 'o', quick: true, ngrams: 100 });
    expect(a.json).toBe(true);
  });
  it('names the option in its errors', () => {
    expect(() => parseArgs(['--ngrams', 'many', '--out', 'o'], specs)).toThrow(/--ngrams expects a number, got "many"/);
    expect(() => parseArgs([], specs)).toThrow(/missing required option --out/);
    expect(() => parseArgs(['--out', 'o', '--nope'], specs)).toThrow(/unknown option --nope/);
  });
});

describe('espalier CLI', () => {
  it('prints exactly one JSON document with --json', () => {
    const r = runCli(['version', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ name: 'espalier' });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });
  it('exits non-zero with one error line on stderr', () => {
    const r = runCli(['version', '--bogus']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(['espalier: error: unknown option --bogus (see --help)']);
  });
  it('rejects unknown commands', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });
  it('shows help for the CLI and for a command', () => {
    expect(runCli(['--help']).stdout).toMatch(/usage: espalier <command>/);
    expect(runCli(['version', '--help']).stdout).toMatch(/usage: espalier version/);
  });
  it('lists the subcommands of a command group', () => {
    const r = runCli(['workspace', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/workspace init/);
    expect(r.stdout).toMatch(/workspace info/);
  });
});
