// Datasets: import (a path or an upload), preview, split and language labels, delete.
import { z } from 'zod';
import { Dataset, DatasetFormat, DatasetSplit, Id, ImportKind, LanguageCode } from '../domain';
import { ById, Name, Ok, ProjectRef } from './common';

export const datasetChannels = {
  'datasets.list': { req: ProjectRef, res: z.array(Dataset) },
  'datasets.import': {
    req: z
      .object({
        projectId: Id,
        /** A local path (Electron, CLI) … */
        path: z.string().min(1).max(4096).optional(),
        /** … or the file's bytes, base64 (browser mode, ≤ 64 MiB). */
        upload: z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(90_000_000) }).optional(),
        name: Name.optional(),
        format: DatasetFormat.optional(),
        field: z.string().max(200).optional(),
        split: DatasetSplit.default('train'),
        /** 'auto' imports a recognised benchmark file (MMLU CSV, SQuAD JSON, MC JSONL, pairs) as a benchmark, anything else as text. */
        kind: ImportKind.default('auto'),
      })
      .strict()
      .refine((r) => Boolean(r.path) !== Boolean(r.upload), { message: 'give exactly one of path or upload' }),
    res: z.object({ runId: Id }),
  },
  /** `lines` lines (items of a benchmark, parsed); with `chars`, more short lines until that many characters show. */
  'datasets.preview': {
    req: z
      .object({
        id: Id,
        lines: z.number().int().min(1).max(200).default(20),
        chars: z.number().int().min(1).max(20_000).optional(),
      })
      .strict(),
    res: z.object({ lines: z.array(z.string()) }),
  },
  'datasets.setSplit': { req: z.object({ id: Id, split: DatasetSplit }).strict(), res: Dataset },
  /** The languages a person says a dataset is in, primary first; null returns to the detected mix. */
  'datasets.setLanguages': {
    req: z
      .object({ id: Id, languages: z.array(LanguageCode).min(1, 'name at least one language').max(8).nullable() })
      .strict()
      .refine((r) => r.languages === null || new Set(r.languages).size === r.languages.length, {
        message: 'a language is listed twice',
        path: ['languages'],
      }),
    res: Dataset,
  },
  'datasets.delete': { req: ById, res: Ok },
} as const;
