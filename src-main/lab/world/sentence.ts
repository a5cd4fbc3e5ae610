// Builds a sentence from literal text and named slots, recording where each slot landed
// so that QA answers are exact spans of the context (offsets in UTF-16 code units, like JS strings).
import type { Role, Sentence } from './types';

export interface Slot {
  role: Role;
  text: string;
}
export type Part = string | Slot;

export function slot(role: Role, text: string): Slot {
  return { role, text };
}

export interface Assembled {
  text: string;
  spans: Sentence['spans'];
}

/** Concatenates the parts; `capitalise` upper-cases the first character (offsets are unchanged). */
export function assemble(parts: readonly Part[], capitalise: boolean): Assembled {
  let text = '';
  const spans: Sentence['spans'] = {};
  for (const p of parts) {
    if (typeof p === 'string') {
      text += p;
      continue;
    }
    if (!spans[p.role]) spans[p.role] = [text.length, text.length + p.text.length];
    text += p.text;
  }
  if (capitalise && text) text = text.charAt(0).toUpperCase() + text.slice(1);
  return { text, spans };
}
