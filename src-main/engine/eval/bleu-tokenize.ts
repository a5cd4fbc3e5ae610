// BLEU tokenisers with sacreBLEU's behaviour: `13a` (mteval-v13a, the default) and `zh` (Chinese targets).
import { pySplit, pyStrip } from './text';

export type BleuTokenizerName = '13a' | 'zh' | 'none';

/** The regex passes shared by 13a and zh, applied in this order (each is a global, non-overlapping replace). */
const PASSES: [RegExp, string][] = [
  // Symbols { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ / become separate tokens.
  [/([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/g, ' $1 '],
  // Period and comma split off unless preceded by a digit...
  [/([^0-9])([.,])/g, '$1 $2 '],
  // ...or unless followed by a digit.
  [/([.,])([^0-9])/g, ' $1 $2'],
  // A dash after a digit.
  [/([0-9])(-)/g, '$1 $2 '],
];

function regexpPasses(line: string): string {
  let s = line;
  for (const [re, rep] of PASSES) s = s.replace(re, rep);
  return pySplit(pyStrip(s)).join(' ');
}

export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  return regexpPasses(` ${s} `);
}

/**
 * sacreBLEU's table of "Chinese" code points. Two of its entries are written there as '\u20000'..'\u2a6d6' and
 * '\u2f800'..'\u2fa1d'; Python reads '\u2000'+'0' etc., so the ranges in effect are U+2001–U+2A6D (general
 * punctuation, arrows, symbols…) and U+2F81–U+2FA1, and Extension B is not matched. We reproduce what the
 * reference computes, because scores must be comparable with published sacreBLEU numbers.
 */
const ZH_RANGES: [number, number][] = [
  [0x3400, 0x4db5],
  [0x4e00, 0x9fa5],
  [0x9fa6, 0x9fbb],
  [0xf900, 0xfa2d],
  [0xfa30, 0xfa6a],
  [0xfa70, 0xfad9],
  [0x2001, 0x2a6d],
  [0x2f81, 0x2fa1],
  [0xff00, 0xffef],
  [0x2e80, 0x2eff],
  [0x3000, 0x303f],
  [0x31c0, 0x31ef],
  [0x2f00, 0x2fdf],
  [0x2ff0, 0x2fff],
  [0x3100, 0x312f],
  [0x31a0, 0x31bf],
  [0xfe10, 0xfe1f],
  [0xfe30, 0xfe4f],
  [0x2600, 0x26ff],
  [0x2700, 0x27bf],
  [0x3200, 0x32ff],
  [0x3300, 0x33ff],
];

export function isZhChar(cp: number): boolean {
  for (const [a, b] of ZH_RANGES) if (cp >= a && cp <= b) return true;
  return false;
}

export function tokenizeZh(line: string): string {
  let out = '';
  for (const ch of pyStrip(line)) out += isZhChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
  return regexpPasses(out);
}

export function bleuTokenize(line: string, name: BleuTokenizerName): string {
  if (name === 'zh') return tokenizeZh(line);
  if (name === '13a') return tokenize13a(line);
  return line;
}

/** sacreBLEU's choice for a target language: `zh` for Chinese, 13a otherwise (ja-mecab is not available here). */
export function tokenizerForLang(lang: string): BleuTokenizerName {
  return lang.toLowerCase().split(/[-_]/)[0] === 'zh' ? 'zh' : '13a';
}
