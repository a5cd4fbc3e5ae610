// The ordered list of schema migrations. Append new ones; never edit or reorder released ones.
import { migration001 } from './001-core';
import { migration002 } from './002-dataset-languages';
import { migration003 } from './003-runs-results';
import { migration004 } from './004-merge-tune-runs';
import { migration008 } from './008-studies';
import type { Migration } from './types';

export type { Migration } from './types';

/**
 * Versions 5–7 belong to changes developed on other branches at the same time as v8; until they are merged
 * here, these no-op steps keep the list gap-free. Replace each with the real migration when it lands.
 */
const reserved = (version: number): Migration => ({ version, name: `reserved v${version}`, up: () => undefined });

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, reserved(5), reserved(6), reserved(7), migration008];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
