// Before a benchmark file is parsed for `eval`: what kind of file it is (the dataset importer's detection), so a
// file of another task is named as such — "this is translation pairs TSV: use --task bleu" — not as a parse error.
import { readdirSync, statSync } from 'node:fs';
import { BENCHMARK_LAYOUTS, BENCHMARK_TASK, detectBenchmark, readHead } from '../lib/datasets/benchmark-detect';
import type { EvalTask } from '../engine/eval';
import { UserError } from '../common/errors';

/** What each task reads, for the message when a file is none of it. */
const READS: Record<EvalTask, string> = {
  ppl: 'a UTF-8 text file',
  mc: `${BENCHMARK_LAYOUTS['mmlu-csv']} (a file or a folder of them), or ${BENCHMARK_LAYOUTS['mc-jsonl']}`,
  qa: BENCHMARK_LAYOUTS['squad-json'],
  bleu: `${BENCHMARK_LAYOUTS['pairs-tsv']}, or ${BENCHMARK_LAYOUTS['pairs-jsonl']}`,
};

/** Throws a UserError naming the task `data` fits when it is not `task`'s kind of file; silent when it is (or unknown). */
export function checkBenchmarkKind(task: EvalTask, data: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(data).isDirectory();
  } catch {
    throw new UserError(`${data}: no such file or folder`);
  }
  if (isDir) {
    if (task === 'mc') return;
    const csvs = readdirSync(data).some((f) => f.toLowerCase().endsWith('.csv'));
    throw new UserError(
      `${data}: is a folder; --task ${task} reads one file: ${READS[task]}${csvs ? ' (a folder of MMLU CSVs fits --task mc)' : ''}`,
    );
  }
  if (task === 'ppl') return;
  const kind = detectBenchmark(data, readHead(data));
  if (kind && BENCHMARK_TASK[kind] !== task) {
    throw new UserError(
      `${data}: this is ${BENCHMARK_LAYOUTS[kind]} — it fits --task ${BENCHMARK_TASK[kind]}, not --task ${task} (which reads ${READS[task]})`,
    );
  }
}
