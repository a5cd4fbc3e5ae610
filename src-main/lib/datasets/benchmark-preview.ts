// A benchmark's preview as the evaluation reads it: its first items parsed by the same loaders (question,
// labelled choices and the answer; question, gold answers and context; source → reference), not the raw JSON.
import {
  loadMcJsonl,
  loadMmluFile,
  loadParallel,
  loadSquad,
  pairFromFileName,
  type McItem,
} from '../../engine/eval/index';
import type { BenchmarkFormat } from './benchmark-detect';

const CONTEXT_CHARS = 300;

function cut(s: string, n: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
}

function mcLines(items: McItem[]): string[][] {
  return items.map((it, i) => [
    `${i + 1}. ${cut(it.question, 2000)}`,
    `   ${it.choices.map((c, k) => `${it.labels[k] ?? String.fromCharCode(65 + k)}) ${cut(c, 200)}`).join('   ')}`,
    `   answer: ${it.labels[it.answer] ?? it.answer}`,
  ]);
}

/** Display lines for the first `items` items of a benchmark file, a blank line between items. */
export function previewBenchmark(file: string, format: BenchmarkFormat, items: number): string[] {
  let blocks: string[][];
  switch (format) {
    case 'mmlu-csv':
      blocks = mcLines(loadMmluFile(file).slice(0, items));
      break;
    case 'mc-jsonl':
      blocks = mcLines(loadMcJsonl(file).slice(0, items));
      break;
    case 'squad-json':
      blocks = loadSquad(file)
        .slice(0, items)
        .map((it, i) => [
          `${i + 1}. ${cut(it.question, 2000)}`,
          `   ${it.impossible || it.answers.length === 0 ? 'unanswerable' : `answer: ${[...new Set(it.answers)].map((a) => cut(a, 200)).join(' | ')}`}`,
          `   context: ${cut(it.context, CONTEXT_CHARS)}`,
        ]);
      break;
    case 'pairs-tsv':
    case 'pairs-jsonl':
      blocks = loadParallel(file, pairFromFileName(file))
        .slice(0, items)
        .map((it, i) => [`${i + 1}. ${cut(it.src, 2000)}`, `   → ${cut(it.ref, 2000)}`]);
      break;
  }
  return blocks.flatMap((b, i) => (i === 0 ? b : ['', ...b]));
}
