// What every repository receives: the connection and a clock (injectable so tests control timestamps).
import type { Db } from '../db';

export interface RepoContext {
  db: Db;
  now: () => number;
}
