// Espalier's tokenizer files in Hugging Face's own libraries: on every line of real English, Russian and Chinese
// text plus lines that need byte fallback, HF `tokenizers` (Python), transformers.AutoTokenizer and
// @huggingface/tokenizers (JS) give exactly the ids that `espalier vocab encode --lines` prints, and decode back.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfJsTokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, writeHfTokenizerFiles } from '../src-main/engine/tokenizer/index';
import { ROOT, runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { requirePython } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'espalier-hf-tok-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines no corpus below contains: characters outside the vocabulary, emoji, controls, spellings of specials. */
const EXTRA_LINES = [
  'emoji 😀👍🏽 👨‍👩‍👧 🇺🇦 and flags',
  'controls \u0000\u0001\u0007\u001b[31m\u007f\u0085 bell',
  'tabs\tand\u000bvertical\u000cfeed\r',
  'outside: क्षत्रिय العربية ქართული 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{10ffff}',
  'combining e\u0301 a\u0308 ﷽ \ufeff BOM \ufffd',
  'specials spelled <pad><bos><eos><unk> and <0x0A> <0xFF> as text',
  '   leading and trailing spaces   ',
  '',
];

interface PyResult {
  tokenizers: number[][];
  decoded_ok: boolean[];
  auto?: number[][];
  auto_decoded_ok?: boolean[];
  auto_class?: string;
  auto_is_fast?: boolean;
  auto_specials?: number[];
}

function runPython(py: string, args: string[]): string {
  const r = spawnSync(py, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** The first line whose ids differ, shown with both id lists, or undefined when all agree. */
function firstMismatch(
  lines: readonly string[],
  ours: readonly number[][],
  theirs: readonly number[][],
): string | undefined {
  if (ours.length !== theirs.length) return `${ours.length} lines vs ${theirs.length}`;
  const k = ours.findIndex((ids, i) => ids.join() !== theirs[i]!.join());
  return k < 0
    ? undefined
    : `line ${k + 1} ${JSON.stringify(lines[k]!.slice(0, 80))}: espalier ${JSON.stringify(ours[k])} vs ${JSON.stringify(theirs[k])}`;
}

describe('Espalier tokenizer.json in Hugging Face tokenizers, transformers and @huggingface/tokenizers', () => {
  let py: string;
  let lines: string[];
  let textFile: string;
  let folder: string;
  let espalierIds: number[][];

  beforeAll(() => {
    py = requirePython(['tokenizers', 'transformers']);
    const texts = {
      en: corpusText('en.txt'),
      ru: corpusText('ru.txt'),
      zh: corpusText('zh.txt'),
      song: corpusText('zh-lines.txt'),
    };
    // Learn from the first part of each text and test on all of it, so later lines meet unseen characters too.
    for (const [name, t] of Object.entries(texts))
      writeFileSync(join(dir, `${name}.txt`), t.slice(0, Math.floor(t.length * 0.6)));
    folder = join(dir, 'hf');
    const built = runCli([
      'vocab',
      'build',
      ...['en', 'ru', 'zh', 'song'].flatMap((n) => ['--corpus', join(dir, `${n}.txt`)]),
      '--ngrams',
      '3000',
      '--out',
      join(dir, 'vocab.json'),
      '--json',
    ]);
    expect(built.stderr).not.toMatch(/error/);
    writeHfTokenizerFiles(folder, loadTokenizer(join(dir, 'vocab.json')), { modelMaxLength: 1024 });
    lines = [...Object.values(texts).flatMap((t) => t.split('\n')), ...EXTRA_LINES];
    textFile = join(dir, 'lines.txt');
    writeFileSync(textFile, `${lines.join('\n')}\n`);
    const enc = runCli(
      ['vocab', 'encode', '--vocab', join(folder, 'tokenizer.json'), '--file', textFile, '--lines', '--json'],
      { timeoutMs: 300_000 },
    );
    expect(enc.stderr).toBe('');
    espalierIds = enc.json<{ lines: number[][] }>().lines;
  }, 600_000);

  it('writes the same tokenizer.json that vocab build wrote, and a tokenizer_config.json with the metadata', () => {
    expect(readFileSync(join(folder, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(dir, 'vocab.json'), 'utf8'));
    const config = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')) as Record<
      string,
      unknown
    > & { espalier: Record<string, unknown> };
    const tok = loadTokenizer(join(folder, 'tokenizer.json'));
    expect(config.espalier).toMatchObject({ id: tok.id, rule: 'ngram-bpe', monograms: tok.monograms, ngrams: 3000 });
    expect(config['model_max_length']).toBe(1024);
    expect(lines.length).toBeGreaterThan(10_000);
    expect(espalierIds).toHaveLength(lines.length);
    // Byte fallback really happens (the unseen characters above), and the last line is the empty one.
    expect(espalierIds.some((ids) => ids.some((id) => id >= 4 && id < 260))).toBe(true);
    expect(espalierIds.at(-1)).toEqual([]);
    expect(lines.findIndex((l, i) => tok.decode(espalierIds[i]!) !== l)).toBe(-1);
  });

  it('HF tokenizers and AutoTokenizer give exactly the same ids on every line, and decode back', () => {
    const res = JSON.parse(runPython(py, ['test/python/hf_tokenizer_ids.py', folder, textFile, '--auto'])) as PyResult;
    expect(firstMismatch(lines, espalierIds, res.tokenizers)).toBeUndefined();
    expect(res.decoded_ok.every(Boolean)).toBe(true);
    expect(res.auto_is_fast).toBe(true);
    expect(firstMismatch(lines, espalierIds, res.auto!)).toBeUndefined();
    expect(res.auto_decoded_ok!.every(Boolean)).toBe(true);
    expect(res.auto_specials).toEqual([0, 1, 2, 3]);
  }, 300_000);

  it('@huggingface/tokenizers (JS) gives exactly the same ids on every line, and decodes back', () => {
    const json = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')) as object;
    const config = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')) as object;
    const hf = new HfJsTokenizer(json, config);
    const ids = lines.map((l) => hf.encode(l, { add_special_tokens: false }).ids);
    expect(firstMismatch(lines, espalierIds, ids)).toBeUndefined();
    // The JS library decodes byte-fallback runs with a TextDecoder that drops a U+FEFF it meets first (its
    // default BOM handling), so a byte-fallback U+FEFF is the one thing its decode loses; Python's keeps it.
    const bad = lines.findIndex((l, i) => ids[i]!.length > 0 && hf.decode(ids[i]!) !== l.replaceAll('\ufeff', ''));
    expect(bad).toBe(-1);
    expect(lines.some((l) => l.includes('\ufeff'))).toBe(true);
  }, 300_000);
});
