// Prompt layouts: the text each protocol asks in. Without one, the protocols use the paper's prompts; data that
// taught a model another layout (the demo world's corpora) passes its own, and every result records its name.
import type { LanguagePair, McItem, QaItem } from './data-types';

export interface McLayout {
  /** Recorded in the result's settings. */
  name: string;
  /** The template as text, e.g. "Question: {question}\nA. {A}\n…\nAnswer:", for the settings. */
  template: string;
  /** The prompt of both multiple-choice protocols. */
  prompt(item: McItem): string;
  /** loglik: choice k as the harness's doc_to_choice, scored after the target delimiter " " (default: its text). */
  choice?(item: McItem, k: number): string;
}

export interface QaLayout {
  name: string;
  template: string;
  prompt(item: QaItem): string;
  /** What the model was taught to say when the context holds no answer; read as an empty answer (SQuAD v2's abstention). */
  noAnswer?: string;
}

export interface TranslationLayout {
  name: string;
  template: string;
  prompt(src: string, pair: LanguagePair): string;
}

export interface PromptLayouts {
  mc?: McLayout;
  qa?: QaLayout;
  translation?: TranslationLayout;
}

/** The settings entries a layout adds to a result (none without a layout, so default results hash as before). */
export function layoutSettings(layout: { name: string; template: string } | undefined): Record<string, string> {
  return layout ? { layout: layout.name, prompt: layout.template } : {};
}
