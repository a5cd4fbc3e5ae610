// The evaluation suite's public surface: loaders, metrics, protocols, results (what the CLI, app and demo use).
export type { LanguagePair, McItem, McTemplate, ParallelItem, QaItem } from './data-types';
export { isMmluHeader, loadMmlu, loadMmluFile, mmluSubject } from './load-mmlu';
export { loadMcJsonl, parseMcJsonLine } from './load-mc-jsonl';
export { loadSquad } from './load-squad';
export { languageName, loadParallel, pairFromFileName, parsePair } from './load-parallel';
export { loadText } from './load-text';
export {
  bleuTokenize,
  isZhChar,
  tokenize13a,
  tokenizeZh,
  tokenizerForLang,
  type BleuTokenizerName,
} from './bleu-tokenize';
export {
  computeBleu,
  corpusBleu,
  segmentStats,
  sentenceBleu,
  sumStats,
  type BleuOptions,
  type BleuScore,
  type BleuStats,
} from './bleu';
export { chrfStats, computeChrf, corpusChrf, sentenceChrf } from './chrf';
export { exactMatch, f1Score, normalizeAnswer, scoreQa } from './squad-metrics';
export { ci95, mean, populationStd, summarizeRuns, type RunSummary } from './stats';
export { fitRequest, scoreSequences, type ScoreRequest, type ScoreResult } from './score';
export { runRng, sampleRuns, type SampleRunsOptions } from './sample-runs';
export { checkCompatible, type EvalEnv, type ProtocolOutput } from './protocol';
export { evalPerplexity, rollingWindows, type PplOptions, type Window } from './ppl';
export {
  accNormPrediction,
  evalMcLoglik,
  HARNESS_MC_LAYOUTS,
  harnessMcLayout,
  loglikContinuation,
  loglikPrompt,
  TARGET_DELIMITER,
  type HarnessMcLayoutName,
  type McLoglikOptions,
} from './mc-loglik';
export {
  evalMcPaper,
  MAX_SKIPPED_WHITESPACE,
  PAPER_SAMPLING,
  paperMcAnswer,
  paperMcCorrect,
  paperMcPrompt,
  paperMcTokens,
  whitespaceIds,
  type McPaperOptions,
} from './mc-paper';
export {
  evalQaPaper,
  evalQaSquad,
  extractAnswer,
  PAPER_MAX_NEW_TOKENS,
  paperQaBudget,
  paperQaCorrect,
  paperQaEligible,
  paperQaFilter,
  PAPER_QA_RULES,
  qaPrompt,
  type QaPaperOptions,
  type QaSquadOptions,
} from './qa';
export { evalTranslation, paperBleuBudget, paperItemBleu, translationPrompt, type BleuEvalOptions } from './translate';
export {
  answerWords,
  DEGENERATE_RULE,
  degenerateKind,
  STOP_WORDS,
  summarizeDegenerate,
  type DegenerateGroup,
  type DegenerateKind,
  type DegenerateSummary,
} from './degenerate';
export { applyFilters, describeAccounting, type FilterStep, type ItemAccounting } from './item-filter';
export { layoutSettings, type McLayout, type PromptLayouts, type QaLayout, type TranslationLayout } from './layout';
export {
  datasetSha256,
  prepareData,
  resolveProtocol,
  runEval,
  TASK_PROTOCOLS,
  type EvalData,
  type EvalProtocol,
  type EvalSpec,
  type EvalTask,
  type PreparedData,
} from './run';
export {
  comparisonTable,
  formatTable,
  resultFileName,
  resultHash8,
  saveResult,
  summary,
  type EvalResult,
  type Table,
} from './results';
export { depthVsScore, evaluateModels, type DepthRow, type DepthStage, type NamedModel } from './compare';
