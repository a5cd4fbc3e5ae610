// The eval prompt layouts that match how the demo world's corpora teach QA, multiple choice and translation
// (data/world/prompts.ts), so the models are asked in the only layout they have seen.
import {
  mcPrompt,
  MC_LETTERS,
  NO_ANSWER,
  qaPrompt,
  qaTarget,
  translationPrompt,
  translationTarget,
  type Lang,
} from './world/index';
import type { McLayout, QaLayout, TranslationLayout } from '../engine/eval/index';

/**
 * QA in language `lang`. The answer separator (a space in EN/RU) ends the prompt: whitespace is always a token
 * of its own, so the prompt plus the answer's tokens are exactly the tokens of the text the corpora contain,
 * and the paper's "as many tokens as the answer has characters" is not spent on the space.
 */
export function worldQaLayout(lang: Lang): QaLayout {
  const sep = qaSep(lang);
  return {
    name: `world-qa-${lang}`,
    template: JSON.stringify(qaPrompt(lang, '{context}', '{question}') + sep).slice(1, -1),
    prompt: (item) => qaPrompt(lang, item.context, item.question) + sep,
    noAnswer: NO_ANSWER[lang],
  };
}

/** The separator the corpora put between the answer cue and the answer (qaTarget of an empty answer). */
function qaSep(lang: Lang): string {
  return qaTarget(lang, '');
}

/** Multiple choice as the corpora's drills: options on lines "A. …", then "Answer:"; loglik scores " A" … " D". */
export const WORLD_MC_LAYOUT: McLayout = {
  name: 'world-mc',
  template: JSON.stringify(mcPrompt('{question}', ['{A}', '{B}', '{C}', '{D}'])).slice(1, -1),
  prompt: (item) => mcPrompt(item.question, item.choices),
  choice: (item, k) => item.labels[k] ?? MC_LETTERS[k]!,
};

/** "EN: <source>\nRU: " — the parallel pairs' layout, the separating space in the prompt (as for QA). */
export function worldTranslationLayout(): TranslationLayout {
  return {
    name: 'world-translation',
    template: 'EN: {src}\\n{TGT}: ',
    prompt: (src, pair) => {
      const tgt = pair.tgt.toLowerCase().split('_')[0];
      if (tgt !== 'ru' && tgt !== 'zh') throw new Error(`the demo world translates into ru or zh, not ${pair.tgt}`);
      return translationPrompt(tgt, src) + translationTarget('');
    },
  };
}
