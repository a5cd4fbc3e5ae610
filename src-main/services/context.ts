// What every domain service receives from the composition root (services/app.ts).
import type { Workspace } from '../store/index';
import type { EventBus } from './events';
import type { RunsService } from './runs';

export interface ServiceContext {
  ws: Workspace;
  bus: EventBus;
  runs: RunsService;
  /** Training checkpoint cadence (tests make it frequent). */
  checkpointEverySteps?: number;
  checkpointEverySeconds?: number;
}
