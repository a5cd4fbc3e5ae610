// The shape of one schema migration: a version number, a name for logs, and a synchronous step.
import type { Db } from '../db';

export interface Migration {
  /** 1, 2, 3, … with no gaps; stored in PRAGMA user_version once applied. */
  version: number;
  name: string;
  /** Runs inside a transaction with foreign keys off; must be deterministic and leave valid keys. */
  up(db: Db): void;
}
