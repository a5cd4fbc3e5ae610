// A JSON document as training text: an array of records, or an object holding one (the first array-valued key,
// e.g. {"data": [...]}); each record is a string or an object whose chosen field (dotted paths reach nested
// objects) holds the text. Read whole (uploads are capped); errors name the record, its line and the field.
import { atLine, UserError } from '../../common/errors';
import { lookup, typeName } from './jsonl';

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where JSON.parse stopped: "at position N" (older V8), else found from the excerpt newer V8 quotes (ten
 * characters either side of the fault, "..." where it cut); null when neither tells.
 */
function errorOffset(src: string, msg: string): number | null {
  const pos = /position (\d+)/.exec(msg);
  if (pos) return Number(pos[1]);
  const m = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(msg);
  if (!m) return null;
  const idx = src.indexOf(m[3]!);
  if (idx < 0) return null;
  return idx + (m[2] ? 10 : Math.max(0, m[3]!.indexOf(m[1]!)));
}

export class JsonDocParser {
  records = 0;
  skipped = 0;
  private text = '';

  constructor(
    private readonly file: string,
    private readonly field: string,
    private readonly skipMissing: boolean,
    private readonly emit: (text: string) => void,
  ) {
    if (!field) throw new UserError(`${file}: choose the JSON field that holds the text (e.g. "text")`);
  }

  write(text: string): void {
    this.text += text;
  }

  end(): void {
    const src = this.text;
    this.text = '';
    let doc: unknown;
    try {
      doc = JSON.parse(src);
    } catch (err) {
      const msg = (err as Error).message;
      const at = errorOffset(src, msg);
      const short = msg.replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '');
      throw at !== null
        ? atLine(this.file, lineAt(src, at), `invalid JSON (${short})`)
        : new UserError(`${this.file}: invalid JSON (${short})`);
    }
    let list: unknown[];
    let where = '';
    if (Array.isArray(doc)) list = doc;
    else if (doc && typeof doc === 'object') {
      const key = Object.keys(doc).find((k) => Array.isArray((doc as Record<string, unknown>)[k]));
      if (key === undefined)
        throw new UserError(
          `${this.file}: expected an array of records, or an object holding one; this object has ${Object.keys(doc).slice(0, 12).join(', ') || 'no keys'}`,
        );
      list = (doc as Record<string, unknown>)[key] as unknown[];
      where = `${key}`;
    } else throw new UserError(`${this.file}: expected an array of records, got ${typeName(doc)}`);
    // Where record i starts, for messages: found by its order among the array's top-level values is costly; its
    // serialised form is looked up instead (first occurrence after the previous record).
    let from = 0;
    list.forEach((rec, i) => {
      const name = `record ${i + 1} (${where}[${i}])`;
      const at = () => {
        const s = typeof rec === 'string' ? JSON.stringify(rec) : rec && typeof rec === 'object' ? `{` : '';
        const idx = s ? src.indexOf(s, from) : -1;
        return idx < 0 ? null : lineAt(src, idx);
      };
      const fail = (problem: string): never => {
        const line = at();
        throw line === null
          ? new UserError(`${this.file}: ${name}: ${problem}`)
          : atLine(this.file, line, `${name}: ${problem}`);
      };
      let value: unknown;
      if (typeof rec === 'string') value = rec;
      else if (rec && typeof rec === 'object' && !Array.isArray(rec)) {
        const r = lookup(rec as Record<string, unknown>, this.field);
        if (!r.found || r.value === null) {
          if (this.skipMissing) {
            this.skipped++;
            return;
          }
          const keys = Object.keys(rec);
          fail(
            `field "${this.field}" is ${r.found ? 'null' : 'missing'} (this record has: ${keys.slice(0, 12).join(', ') || 'no fields'}); choose another field`,
          );
        }
        value = r.value;
      } else fail(`expected a string or an object, got ${typeName(rec)}`);
      if (typeof value !== 'string') fail(`field "${this.field}" is ${typeName(value)}, expected a string`);
      const idx = src.indexOf(typeof rec === 'string' ? JSON.stringify(rec) : '{', from);
      if (idx >= 0) from = idx + 1;
      this.records++;
      this.emit(value as string);
    });
  }
}
