// The app's default workspace folder, shared by `npm start`, `serve` and `demo` so all of them see the same data.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** ESPALIER_WORKSPACE, else where Electron keeps app data (app.getPath('userData') for the package "espalier"). */
export function defaultWorkspace(): string {
  if (process.env['ESPALIER_WORKSPACE']) return process.env['ESPALIER_WORKSPACE'];
  const home = homedir();
  const base =
    process.platform === 'win32'
      ? (process.env['APPDATA'] ?? join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (process.env['XDG_CONFIG_HOME'] ?? join(home, '.config'));
  return join(base, 'espalier', 'workspace');
}
