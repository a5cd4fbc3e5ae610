// 'import' job: reads a local dataset file and either validates it as a benchmark (MMLU CSV, SQuAD JSON, MC JSONL,
// translation pairs: counted, never extracted for training) or extracts and measures its text into the workspace.
import { importBenchmark } from '../../lib/datasets/benchmark-import';
import { detectBenchmark, readHead } from '../../lib/datasets/benchmark-detect';
import { importDataset } from '../../lib/datasets/import';
import { loadTokenizer } from '../../engine/tokenizer';
import { countTokensStreaming } from '../../engine/tokens/count-tokens';
import { ImportParams } from '../job-types';
import type { JobHandler } from '../runtime';

/** An unreadable file is no benchmark here: the text importer then says what is wrong with it. */
function looksLikeBenchmark(file: string): boolean {
  let head: string;
  try {
    head = readHead(file);
  } catch {
    return false;
  }
  return detectBenchmark(file, head) !== null;
}

export const importJob: JobHandler = async (raw, ctx) => {
  const p = ImportParams.parse(raw);
  const shown = p.displayName ?? p.file;
  ctx.progress(0, `reading ${shown}`);
  const bench = p.kind === 'benchmark' || (p.kind === 'auto' && looksLikeBenchmark(p.file));
  if (bench) {
    const stats = await importBenchmark({ file: p.file, ...(p.displayName ? { displayName: p.displayName } : {}) });
    ctx.progress(1, `benchmark (${stats.task}): ${stats.items.toLocaleString('en')} items`);
    return { stats };
  }
  const abort = new AbortController();
  const { stats } = await importDataset({
    file: p.file,
    format: p.format,
    field: p.field,
    header: p.header,
    destination: p.destination,
    signal: abort.signal,
    onProgress: (pr) => {
      ctx.progress(
        pr.totalBytes > 0 ? pr.bytesRead / pr.totalBytes : 0,
        `${(pr.bytesRead / 1e6).toFixed(1)} of ${(pr.totalBytes / 1e6).toFixed(1)} MB, ${pr.records} records`,
      );
      // Stops between chunks; a resumed import simply starts over.
      ctx.stopIfAsked();
    },
  });
  // Imported after the project's tokenizer was built: counted now, so the Datasets view shows its tokens.
  if (p.tokenizer) {
    ctx.progress(1, 'counting tokens');
    // Streamed: a multi-GB import is counted block by block, never read whole.
    const tokens = countTokensStreaming(p.destination, loadTokenizer(p.tokenizer.file), {
      onProgress: (done, total) => {
        ctx.progress(1, `counting tokens: ${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`);
        ctx.stopIfAsked();
      },
    });
    ctx.progress(
      1,
      `${stats.characters.toLocaleString('en')} characters, ${tokens.toLocaleString('en')} tokens, ${stats.records.toLocaleString('en')} records`,
    );
    return { stats, tokens: { tokenizerId: p.tokenizer.id, tokens } };
  }
  ctx.progress(1, `${stats.characters.toLocaleString('en')} characters, ${stats.records.toLocaleString('en')} records`);
  return { stats };
};
