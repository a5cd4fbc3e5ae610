// 'import' job: reads a local dataset file (txt/jsonl/csv/parquet), validates it and writes its extracted text
// into the workspace, with progress; main records the dataset row from the returned statistics.
import { importDataset } from '../../lib/datasets/import';
import { ImportParams } from '../job-types';
import type { JobHandler } from '../runtime';

export const importJob: JobHandler = async (raw, ctx) => {
  const p = ImportParams.parse(raw);
  ctx.progress(0, `reading ${p.file}`);
  const abort = new AbortController();
  const { stats } = await importDataset({
    file: p.file,
    format: p.format,
    field: p.field,
    header: p.header,
    destination: p.destination,
    signal: abort.signal,
    onProgress: (pr) => {
      ctx.progress(pr.totalBytes > 0 ? pr.bytesRead / pr.totalBytes : 0, `${(pr.bytesRead / 1e6).toFixed(1)} of ${(pr.totalBytes / 1e6).toFixed(1)} MB, ${pr.records} records`);
      // Stops between chunks; a resumed import simply starts over.
      ctx.stopIfAsked();
    },
  });
  ctx.progress(1, `${stats.characters.toLocaleString('en')} characters, ${stats.records.toLocaleString('en')} records`);
  return { stats };
};
