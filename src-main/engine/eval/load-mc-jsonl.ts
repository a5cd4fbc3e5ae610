// Multiple-choice JSONL: `question`, `choices` (list, ARC-style [{label,text}] or {label[],text[]}), `answer` (index or label).
import { basename } from 'node:path';
import { atLine } from '../../common/errors';
import type { McItem } from './data-types';
import { parseJsonWithLines } from './json-lines';
import { readUtf8, splitLines } from './read-text';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the choices in any of the accepted shapes; labels default to A, B, C… */
function readChoices(
  raw: unknown,
  fail: (field: string, problem: string) => never,
): { texts: string[]; labels: string[] } {
  let texts: string[];
  let labels: string[] | undefined;
  if (Array.isArray(raw)) {
    if (raw.every((c) => typeof c === 'string')) texts = raw as string[];
    else {
      texts = [];
      labels = [];
      raw.forEach((c, k) => {
        if (!isObj(c) || typeof c['text'] !== 'string')
          fail(`choices[${k}]`, 'must be a string or an object {"label": "A", "text": "…"}');
        const o = c as Json;
        if (o['label'] === undefined)
          fail(`choices[${k}].label`, 'is missing (give every choice a label, or use a plain list of strings)');
        texts.push(o['text'] as string);
        labels!.push(String(o['label']));
      });
    }
  } else if (isObj(raw) && Array.isArray(raw['text'])) {
    // The Hugging Face export of ARC: {"text": [...], "label": [...]}.
    texts = raw['text'] as string[];
    if (!texts.every((t) => typeof t === 'string')) fail('choices.text', 'must be a list of strings');
    if (raw['label'] !== undefined) {
      if (!Array.isArray(raw['label']) || raw['label'].length !== texts.length)
        fail('choices.label', `must be a list of ${texts.length} labels`);
      labels = (raw['label'] as unknown[]).map(String);
    }
  } else {
    return fail(
      'choices',
      raw === undefined ? 'is missing' : 'must be a list of strings or of {"label", "text"} objects',
    );
  }
  if (texts.length < 2) fail('choices', `needs at least 2 choices, found ${texts.length}`);
  if (texts.length > LETTERS.length)
    fail('choices', `has ${texts.length} choices; at most ${LETTERS.length} are supported`);
  labels ??= texts.map((_, k) => LETTERS[k]!);
  if (new Set(labels).size !== labels.length) fail('choices', `labels must be distinct, got ${labels.join(', ')}`);
  if (labels.some((l) => l.trim() === '')) fail('choices', 'a label is empty');
  return { texts, labels };
}

export function parseMcJsonLine(obj: unknown, file: string, line: number): McItem {
  const fail = (field: string, problem: string): never => {
    throw atLine(file, line, `field "${field}" ${problem}`);
  };
  if (!isObj(obj)) throw atLine(file, line, 'expected a JSON object {"question", "choices", "answer"}');
  // ARC and CommonsenseQA ship {"question": {"stem", "choices"}, "answerKey"}.
  const q = obj['question'];
  const stem = isObj(q) ? q['stem'] : q;
  if (typeof stem !== 'string')
    fail(isObj(q) ? 'question.stem' : 'question', stem === undefined ? 'is missing' : 'must be a string');
  if ((stem as string).trim() === '') fail('question', 'is empty');
  const { texts, labels } = readChoices(obj['choices'] ?? (isObj(q) ? q['choices'] : undefined), fail);
  const answerField = obj['answer'] !== undefined ? 'answer' : 'answerKey';
  const a = obj[answerField];
  let answer: number;
  if (typeof a === 'number') {
    if (!Number.isInteger(a) || a < 0 || a >= texts.length)
      fail(answerField, `index ${a} is out of range (${texts.length} choices, counted from 0)`);
    answer = a;
  } else if (typeof a === 'string') {
    answer = labels.indexOf(a.trim());
    // Some files give the answer as the text of the right choice.
    if (answer < 0 && texts.filter((t) => t === a).length === 1) answer = texts.indexOf(a);
    if (answer < 0)
      fail(answerField, `${JSON.stringify(a)} is neither a choice label (${labels.join(', ')}) nor a choice text`);
  } else {
    return fail(
      'answer',
      a === undefined ? 'is missing (an index from 0, or a choice label)' : 'must be an index or a label',
    );
  }
  const id = obj['id'];
  return {
    id: typeof id === 'string' || typeof id === 'number' ? String(id) : `${basename(file)}:${line}`,
    file,
    line,
    question: stem as string,
    choices: texts,
    labels,
    answer,
    template: 'lines',
  };
}

/** One JSON object per line; a file that is one JSON array of such objects is accepted too. */
export function loadMcJsonl(file: string): McItem[] {
  const content = readUtf8(file);
  if (content.trimStart().startsWith('[')) {
    const doc = parseJsonWithLines(content, file);
    return (doc.value as unknown[]).map((o) => parseMcJsonLine(o, file, doc.lineOf(o)));
  }
  const items: McItem[] = [];
  for (const { line, text } of splitLines(content)) {
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw atLine(file, line, `invalid JSON (${(err as Error).message}); each line must be one object`);
    }
    items.push(parseMcJsonLine(obj, file, line));
  }
  return items;
}
