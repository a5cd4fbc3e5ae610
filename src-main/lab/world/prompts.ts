// The text formats shared by the training corpora and the evaluations: a model learns to answer
// questions, pick options and translate only in the exact layout it saw, so both sides use these.
import type { Lang } from './types';

const QA: Record<Lang, { question: string; answer: string; sep: string }> = {
  en: { question: 'Question:', answer: 'Answer:', sep: ' ' },
  ru: { question: 'Вопрос:', answer: 'Ответ:', sep: ' ' },
  // Chinese uses the full-width colon and no space.
  zh: { question: '问题：', answer: '答案：', sep: '' },
};

/** What the corpora teach a model to say when the context does not contain the answer. */
export const NO_ANSWER: Record<Lang, string> = { en: 'unknown', ru: 'неизвестно', zh: '不知道' };

/** Context, question and the answer cue; the model's continuation is the answer. */
export function qaPrompt(lang: Lang, context: string, question: string): string {
  const l = QA[lang];
  return `${context}\n${l.question}${l.sep}${question}\n${l.answer}`;
}

/** The continuation after `qaPrompt` that the corpora contain (no answer → NO_ANSWER). */
export function qaTarget(lang: Lang, answer: string | null): string {
  return `${QA[lang].sep}${answer ?? NO_ANSWER[lang]}`;
}

/** A QA drill as it appears in the corpora: one context, then question/answer pairs. */
export function qaDrill(
  lang: Lang,
  context: string,
  pairs: readonly { question: string; answer: string | null }[],
): string {
  const l = QA[lang];
  return [
    context,
    ...pairs.flatMap((p) => [`${l.question}${l.sep}${p.question}`, `${l.answer}${qaTarget(lang, p.answer)}`]),
  ].join('\n');
}

export const MC_LETTERS = ['A', 'B', 'C', 'D'] as const;
export type McLetter = (typeof MC_LETTERS)[number];

/** A multiple-choice prompt in the MMLU style; the continuation is " A" … " D". */
export function mcPrompt(question: string, options: readonly string[]): string {
  return [`Question: ${question}`, ...options.map((o, i) => `${MC_LETTERS[i]}. ${o}`), 'Answer:'].join('\n');
}

export function mcTarget(letter: McLetter): string {
  return ` ${letter}`;
}

export const LANG_TAG: Record<Lang, string> = { en: 'EN', ru: 'RU', zh: 'ZH' };

/** "EN: <source>\nRU:"; the continuation is " <translation>". Parallel pairs in the corpora use this layout. */
export function translationPrompt(target: Exclude<Lang, 'en'>, source: string): string {
  return `${LANG_TAG.en}: ${source}\n${LANG_TAG[target]}:`;
}

export function translationTarget(reference: string): string {
  return ` ${reference}`;
}
