// A JSON parser that remembers the line of every object, array and key, so loaders can say where a field is wrong.
import { atLine } from '../../common/errors';

export interface LocatedJson {
  value: unknown;
  /** Line where an object or array value starts (1 when unknown). */
  lineOf(v: unknown): number;
  /** Line of `key` inside `obj`, falling back to the object's own line. */
  keyLine(obj: unknown, key: string): number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

export function parseJsonWithLines(text: string, file: string): LocatedJson {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new WeakMap<object, number>();
  const keys = new WeakMap<object, Map<string, number>>();
  let i = 0;
  let line = 1;

  const fail = (what: string): never => {
    const got = i < s.length ? JSON.stringify(s[i]) : 'end of file';
    throw atLine(file, line, `invalid JSON: ${what}, found ${got}`);
  };
  const ws = (): void => {
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
    }
  };
  const str = (): string => {
    const start = i++;
    let escaped = false;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i++;
      } else if (c < 32) fail('a control character inside a string (escape line breaks as \\n)');
    }
    if (i >= s.length) fail('a string that is never closed');
    i++;
    const raw = s.slice(start, i);
    if (!escaped) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      i = start;
      return fail('a bad escape sequence in a string');
    }
  };
  const value = (): unknown => {
    ws();
    const c = s[i];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      const km = new Map<string, number>();
      lines.set(obj, line);
      keys.set(obj, km);
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail('expected a "key"');
        const kLine = line;
        const k = str();
        ws();
        if (s[i] !== ':') fail(`expected ':' after key "${k}"`);
        i++;
        obj[k] = value();
        km.set(k, kLine);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}' after a value");
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      lines.set(arr, line);
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']' after an array element");
      }
    }
    if (c === '"') return str();
    for (const [word, v] of LITERALS) {
      if (s.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(s);
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    return fail('expected a value');
  };

  const v = value();
  ws();
  if (i < s.length) fail('unexpected content after the JSON value');
  return {
    value: v,
    lineOf: (o) => (typeof o === 'object' && o !== null ? (lines.get(o) ?? 1) : 1),
    keyLine: (o, k) => (typeof o === 'object' && o !== null ? (keys.get(o)?.get(k) ?? lines.get(o) ?? 1) : 1),
  };
}
