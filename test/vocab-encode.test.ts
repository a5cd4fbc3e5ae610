// `espalier vocab encode` end to end: whole text and per-line ids equal the engine's, byte fallback included;
// --help documents it; bad input is one line naming the problem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTokenizer, saveTokenizer, type Tokenizer } from '../src-main/engine/tokenizer/index';
import { runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'espalier-vocab-encode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier vocab encode', () => {
  let tok: Tokenizer;
  const vocab = join(dir, 'tokenizer.json');
  beforeAll(() => {
    tok = buildTokenizer([corpusText('ru.txt').slice(0, 40_000), corpusText('zh.txt').slice(0, 20_000)], {
      ngrams: 800,
    });
    saveTokenizer(tok, vocab);
  });

  it('prints {"ids": [...]} for --text, byte fallback included', () => {
    const text = 'Пакеты Debian 软件包 😀 é\u0001';
    const r = runCli(['vocab', 'encode', '--vocab', vocab, '--text', text, '--json']);
    expect(r.stderr).toBe('');
    expect(r.json()).toEqual({ ids: Array.from(tok.encode(text)) });
    expect(r.json<{ ids: number[] }>().ids.some((id) => id >= 4 && id < 260)).toBe(true);
  });

  it('prints {"lines": [[...], ...]} for --file --lines: one array per line, the newline itself not encoded', () => {
    const lines = corpusText('ru.txt').slice(50_000, 52_000).split('\n');
    const file = join(dir, 'text.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = runCli(['vocab', 'encode', '--vocab', vocab, '--file', file, '--lines', '--json']);
    expect(r.stderr).toBe('');
    expect(r.json()).toEqual({ lines: lines.map((l) => Array.from(tok.encode(l))) });
    // Without --lines the whole file is one sequence, newlines included.
    const whole = runCli(['vocab', 'encode', '--vocab', vocab, '--file', file, '--json']);
    expect(whole.json()).toEqual({ ids: Array.from(tok.encode(`${lines.join('\n')}\n`)) });
    // Human output: ids separated by spaces, one line per input line.
    const human = runCli(['vocab', 'encode', '--vocab', vocab, '--text', 'a\nb', '--lines']);
    expect(human.stdout.trim().split('\n')).toEqual(['a', 'b'].map((l) => Array.from(tok.encode(l)).join(' ')));
  });

  it('documents itself in --help and rejects bad input with one line', () => {
    const help = runCli(['vocab', 'encode', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--vocab FILE/);
    expect(help.stdout).toMatch(/--lines/);
    const both = runCli(['vocab', 'encode', '--vocab', vocab, '--text', 'x', '--file', vocab]);
    expect(both.stderr.trim()).toBe('espalier: error: give exactly one of --text STR and --file F');
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    const bad = runCli(['vocab', 'encode', '--vocab', vocab, '--file', latin1]);
    expect(bad.stderr.trim()).toBe(`espalier: error: ${latin1}: not UTF-8 text`);
  });
});
