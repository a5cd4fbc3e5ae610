// SQuAD v2 JSON in the official layout: data[].paragraphs[].{context, qas[].{id, question, answers[], is_impossible}}.
import { atLine } from '../../common/errors';
import type { QaItem } from './data-types';
import { parseJsonWithLines } from './json-lines';
import { readUtf8 } from './read-text';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadSquad(file: string): QaItem[] {
  const doc = parseJsonWithLines(readUtf8(file), file);
  const root = doc.value;
  /** Fails at the line of `key` in `obj` (or of `obj`), naming the path to the field. */
  const fail = (obj: unknown, path: string, key: string, problem: string): never => {
    throw atLine(
      file,
      key ? doc.keyLine(obj, key) : doc.lineOf(obj),
      `${path}${key ? `: field "${key}"` : ''} ${problem}`,
    );
  };
  const list = (obj: Json, path: string, key: string): unknown[] => {
    const v = obj[key];
    if (!Array.isArray(v)) fail(obj, path, key, v === undefined ? 'is missing (expected a list)' : 'must be a list');
    return v as unknown[];
  };
  const text = (obj: Json, path: string, key: string): string => {
    const v = obj[key];
    if (typeof v !== 'string')
      fail(obj, path, key, v === undefined ? 'is missing (expected a string)' : 'must be a string');
    return v as string;
  };

  if (!isObj(root))
    return fail(root, 'top level', '', 'must be an object {"version", "data": [...]} (the official SQuAD layout)');
  const items: QaItem[] = [];
  const seen = new Set<string>();
  list(root, 'top level', 'data').forEach((art, a) => {
    const ap = `data[${a}]`;
    if (!isObj(art)) return fail(art, ap, '', 'must be an object {"title", "paragraphs"}');
    const title = typeof art['title'] === 'string' ? art['title'] : undefined;
    list(art, ap, 'paragraphs').forEach((par, p) => {
      const pp = `${ap}.paragraphs[${p}]`;
      if (!isObj(par)) return fail(par, pp, '', 'must be an object {"context", "qas"}');
      const context = text(par, pp, 'context');
      list(par, pp, 'qas').forEach((qa, q) => {
        const qp = `${pp}.qas[${q}]`;
        if (!isObj(qa)) return fail(qa, qp, '', 'must be an object {"id", "question", "answers", "is_impossible"}');
        const rawId = qa['id'];
        if (typeof rawId !== 'string' && typeof rawId !== 'number')
          fail(qa, qp, 'id', rawId === undefined ? 'is missing' : 'must be a string');
        const id = String(rawId);
        if (seen.has(id)) fail(qa, qp, 'id', `${JSON.stringify(id)} is used twice (ids must be unique)`);
        seen.add(id);
        const question = text(qa, qp, 'question');
        const imp = qa['is_impossible'];
        if (imp !== undefined && typeof imp !== 'boolean') fail(qa, qp, 'is_impossible', 'must be true or false');
        const answers = list(qa, qp, 'answers').map((ans, k) => {
          const ak = `${qp}.answers[${k}]`;
          if (!isObj(ans)) return fail(ans, ak, '', 'must be an object {"text", "answer_start"}');
          const t = text(ans, ak, 'text');
          const st = ans['answer_start'];
          if (st !== undefined && (typeof st !== 'number' || !Number.isInteger(st) || st < 0))
            fail(ans, ak, 'answer_start', 'must be a character offset (an integer ≥ 0)');
          return t;
        });
        // SQuAD v1 files have no is_impossible; a question without answers is then unanswerable.
        const impossible = imp === true || (imp === undefined && answers.length === 0);
        if (imp === false && answers.length === 0) fail(qa, qp, 'answers', 'is empty but "is_impossible" is false');
        items.push({
          id,
          file,
          line: doc.lineOf(qa),
          title,
          context,
          question,
          answers: impossible ? [] : answers,
          impossible,
        });
      });
    });
  });
  return items;
}
