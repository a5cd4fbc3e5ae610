// The demo world: a small invented world rendered as EN/RU/ZH corpora, QA, multiple choice and translation sets.
export {
  generateWorld,
  resolveSizes,
  WORLD_PRESETS,
  CORPUS_NAMES,
  type World,
  type WorldOptions,
  type WorldScale,
  type WorldSizes,
  type WorldStats,
} from './generate';
export { writeWorld, worldFiles, worldManifest, type WorldFile, type WorldManifest } from './write';
export {
  qaPrompt,
  qaTarget,
  qaDrill,
  NO_ANSWER,
  mcPrompt,
  mcTarget,
  MC_LETTERS,
  translationPrompt,
  translationTarget,
  LANG_TAG,
  type McLetter,
} from './prompts';
export type { SquadDataset, SquadParagraph, SquadQa, SquadAnswer } from './qa';
export type { McItem } from './mc';
export type { TranslationItem } from './translate';
export type { CorpusName } from './corpus';
export type { Lang } from './types';
