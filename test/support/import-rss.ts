// Runs the worker's 'import' job on one file in this (fresh) process and prints, as one JSON line, the resident
// memory before the job, the process's peak after it, the job's result and its progress messages: the dataset
// import test reads the peak of an import alone, with nothing else this process did before.
import { importJob } from '../../src-main/worker/jobs/import';
import type { JobContext } from '../../src-main/worker/runtime';

const [file, destination, tokenizerId, tokenizerFile] = process.argv.slice(2);
const progress: string[] = [];
// The job context's surface the import uses: progress lines and the stop check (nothing asks it to stop here).
const ctx = {
  jobId: 'import-rss',
  workspace: '',
  resumeFrom: null,
  progress: (_f: number, m: string) => progress.push(m),
  stopIfAsked: () => undefined,
} as unknown as JobContext;
const before = process.memoryUsage().rss;
const result = await importJob(
  { file, destination, kind: 'text', tokenizer: { id: tokenizerId, file: tokenizerFile } },
  ctx,
);
const peak = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ before, peak, result, progress })}\n`);
