// The ordered list of schema migrations. Append new ones; never edit or reorder released ones.
import { migration001 } from './001-core';
import { migration002 } from './002-dataset-languages';
import { migration003 } from './003-runs-results';
import { migration004 } from './004-merge-tune-runs';
import { migration005 } from './005-benchmarks-languages';
import { migration007 } from './007-run-logs';
import { migration008 } from './008-studies';
import type { Migration } from './types';

export type { Migration } from './types';

/**
 * Version 6 was set aside for a change that in the end needed no schema change; it stays a no-op step so the
 * list has no gap (every workspace passes through it).
 */
const reserved = (version: number): Migration => ({ version, name: `reserved v${version}`, up: () => undefined });

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  reserved(6),
  migration007,
  migration008,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
