// The app's default workspace folder, shared by `npm start`, `serve` and `demo` so all of them see the same data.
import { join } from 'node:path';
import { appDataDir } from '../engine/util/app-data';

/** ESPALIER_WORKSPACE, else where Electron keeps app data (app.getPath('userData') for the package "espalier"). */
export function defaultWorkspace(): string {
  if (process.env['ESPALIER_WORKSPACE']) return process.env['ESPALIER_WORKSPACE'];
  return join(appDataDir(), 'workspace');
}
