// The validation hold-out is the text's fixed tail: contiguous, at a document boundary when there is one,
// and the same tokens whatever seed trains on the rest.
import { describe, expect, it } from 'vitest';
import { holdoutSplit, holdoutWindows } from './holdout';

describe('the fixed hold-out', () => {
  it('takes the contiguous last 10% of a text without documents', () => {
    const text = 'abcdefghij'.repeat(10);
    const s = holdoutSplit(text);
    expect(s.val).toBe(text.slice(90));
    expect(s.train + s.val).toBe(text);
    expect(s.record).toMatchObject({ rule: 'tail', fraction: 0.1, startChar: 90, documentBoundary: false });
  });

  it('starts at the next document (blank line) when the text has documents', () => {
    const docs = Array.from({ length: 12 }, (_, i) => `document ${i} `.repeat(5).trim());
    const text = docs.join('\n\n');
    const s = holdoutSplit(text);
    expect(s.record.documentBoundary).toBe(true);
    expect(s.val.startsWith('document ')).toBe(true);
    expect(docs.slice(-1)[0]!.length).toBeLessThanOrEqual(s.val.length);
    expect(s.train.endsWith('\n\n')).toBe(true);
  });

  it("is identical for every caller on the same text and records the held-out text's hash", () => {
    const text = 'one two three four five six seven eight nine ten '.repeat(20);
    const enc = (t: string) => Int32Array.from(Array.from(t), (c) => c.charCodeAt(0) % 50);
    const a = holdoutWindows(text, enc, 8, 'x');
    const b = holdoutWindows(text, enc, 8, 'x');
    expect(Array.from(a.val.tokens)).toEqual(Array.from(b.val.tokens));
    expect(a.holdout).toEqual(b.holdout);
    expect(a.holdout.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.val.tokens.length + a.train.tokens.length).toBe(Array.from(text).length);
  });
});
