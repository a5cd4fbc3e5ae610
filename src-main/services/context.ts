// What every domain service receives from the composition root (services/app.ts).
import type { Workspace } from '../store/index';
import type { EventBus } from './events';
import type { HostPaths } from './host-paths';
import type { RunsService } from './runs';

export interface ServiceContext {
  ws: Workspace;
  bus: EventBus;
  runs: RunsService;
  /** Which host paths the client may name (browser: none; Electron: dialog-chosen ones). */
  hostPaths: HostPaths;
  /** Training checkpoint cadence (tests make it frequent). */
  checkpointEverySteps?: number;
  checkpointEverySeconds?: number;
}
