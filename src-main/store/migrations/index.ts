// The ordered list of schema migrations. Append new ones; never edit or reorder released ones.
import { migration001 } from './001-core';
import { migration002 } from './002-dataset-languages';
import { migration003 } from './003-runs-results';
import { migration004 } from './004-merge-tune-runs';
import { migration005 } from './005-benchmarks-languages';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
