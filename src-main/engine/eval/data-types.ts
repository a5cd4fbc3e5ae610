// The items each evaluation task reads, whatever file format they came from.

/** Which paper template a multiple-choice item is asked with. */
export type McTemplate = 'mmlu' | 'lines';

export interface McItem {
  /** Stable id: the file's item id when it has one, else "<file>:<line>". */
  id: string;
  /** File and 1-based line the item came from. */
  file: string;
  line: number;
  /** MMLU subject (file name without _test/_dev/_val), when known. */
  subject?: string;
  question: string;
  choices: string[];
  /** Letter (or label) of each choice, as shown in the paper's template. */
  labels: string[];
  /** Index of the correct choice. */
  answer: number;
  /** MMLU files use the one-line options template; JSONL items one option per line. */
  template: McTemplate;
}

export interface QaItem {
  id: string;
  file: string;
  line: number;
  title?: string;
  context: string;
  question: string;
  /** Gold answer texts (all annotators); empty for unanswerable questions. */
  answers: string[];
  impossible: boolean;
}

export interface ParallelItem {
  file: string;
  line: number;
  src: string;
  ref: string;
}

/** A language pair such as en-ru: the prompt names the languages, the target picks the BLEU tokeniser. */
export interface LanguagePair {
  src: string;
  tgt: string;
}
