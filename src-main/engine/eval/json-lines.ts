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

/** The parser's state and its named steps: whitespace, strings, objects, arrays, scalars. */
class LineParser {
  readonly lines = new WeakMap<object, number>();
  readonly keys = new WeakMap<object, Map<string, number>>();
  i = 0;
  line = 1;

  constructor(
    private readonly s: string,
    private readonly file: string,
  ) {}

  fail(what: string): never {
    const got = this.i < this.s.length ? JSON.stringify(this.s[this.i]) : 'end of file';
    throw atLine(this.file, this.line, `invalid JSON: ${what}, found ${got}`);
  }

  /** Skips whitespace, counting line breaks. */
  ws(): void {
    const s = this.s;
    for (; this.i < s.length; this.i++) {
      const c = s.charCodeAt(this.i);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
    }
  }

  /** A string starting at the opening quote; only strings with escapes go through JSON.parse. */
  str(): string {
    const s = this.s;
    const start = this.i++;
    let escaped = false;
    for (; this.i < s.length; this.i++) {
      const c = s.charCodeAt(this.i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        this.i++;
      } else if (c < 32) this.fail('a control character inside a string (escape line breaks as \\n)');
    }
    if (this.i >= s.length) this.fail('a string that is never closed');
    this.i++;
    const raw = s.slice(start, this.i);
    if (!escaped) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      this.i = start;
      return this.fail('a bad escape sequence in a string');
    }
  }

  /** An object starting at '{': records its line and each key's line. */
  object(): Record<string, unknown> {
    const s = this.s;
    const obj: Record<string, unknown> = {};
    const km = new Map<string, number>();
    this.lines.set(obj, this.line);
    this.keys.set(obj, km);
    this.i++;
    this.ws();
    if (s[this.i] === '}') {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (s[this.i] !== '"') this.fail('expected a "key"');
      const kLine = this.line;
      const k = this.str();
      this.ws();
      if (s[this.i] !== ':') this.fail(`expected ':' after key "${k}"`);
      this.i++;
      obj[k] = this.value();
      km.set(k, kLine);
      this.ws();
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (s[this.i] === '}') {
        this.i++;
        return obj;
      }
      this.fail("expected ',' or '}' after a value");
    }
  }

  /** An array starting at '[': records its line. */
  array(): unknown[] {
    const s = this.s;
    const arr: unknown[] = [];
    this.lines.set(arr, this.line);
    this.i++;
    this.ws();
    if (s[this.i] === ']') {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      this.ws();
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (s[this.i] === ']') {
        this.i++;
        return arr;
      }
      this.fail("expected ',' or ']' after an array element");
    }
  }

  /** true, false, null or a number. */
  scalar(): unknown {
    for (const [word, v] of LITERALS) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    return this.fail('expected a value');
  }

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.str();
    return this.scalar();
  }
}

export function parseJsonWithLines(text: string, file: string): LocatedJson {
  const p = new LineParser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  const v = p.value();
  p.ws();
  if (!p.atEnd()) p.fail('unexpected content after the JSON value');
  const { lines, keys } = p;
  return {
    value: v,
    lineOf: (o) => (typeof o === 'object' && o !== null ? (lines.get(o) ?? 1) : 1),
    keyLine: (o, k) => (typeof o === 'object' && o !== null ? (keys.get(o)?.get(k) ?? lines.get(o) ?? 1) : 1),
  };
}
