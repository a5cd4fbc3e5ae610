// JSON Lines: one object per line, text taken from a chosen field. Errors name the line and the field.
import { atLine, UserError } from '../../common/errors';

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** `field` names a key; when no key has that exact name, "meta.text" walks nested objects. */
export function lookup(obj: Record<string, unknown>, field: string): { found: boolean; value?: unknown } {
  if (Object.hasOwn(obj, field)) return { found: true, value: obj[field] };
  if (!field.includes('.')) return { found: false };
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part))
      return { found: false };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

export class JsonlParser {
  /** Physical lines seen (blank ones included). */
  lines = 0;
  records = 0;
  skipped = 0;
  private partial = '';

  constructor(
    private readonly file: string,
    private readonly field: string,
    private readonly skipMissing: boolean,
    private readonly emit: (text: string) => void,
  ) {
    if (!field) throw new UserError(`${file}: choose the JSON field that holds the text (e.g. "text")`);
  }

  write(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      const line = this.partial ? this.partial + piece : piece;
      this.partial = '';
      this.line(line);
      start = nl + 1;
    }
    if (start < text.length) this.partial += text.slice(start);
  }

  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(raw: string): void {
    const n = ++this.lines;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw atLine(this.file, n, `invalid JSON (${(err as Error).message}); each line must be one JSON object`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw atLine(this.file, n, `expected a JSON object, got ${typeName(obj)}`);
    }
    const rec = obj as Record<string, unknown>;
    const { found, value } = lookup(rec, this.field);
    if (!found || value === null) {
      if (this.skipMissing) {
        this.skipped++;
        return;
      }
      const keys = Object.keys(rec);
      const have = keys.length
        ? `this line has: ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', …' : ''}`
        : 'this line has no fields';
      throw atLine(
        this.file,
        n,
        `field "${this.field}" is ${found ? 'null' : 'missing'} (${have}); choose another field or skip such lines`,
      );
    }
    if (typeof value !== 'string')
      throw atLine(this.file, n, `field "${this.field}" is ${typeName(value)}, expected a string`);
    this.records++;
    this.emit(value);
  }
}
