// The app's per-user data folder (where Electron keeps userData for the package "espalier"): the default workspace
// and fetched assets such as GNU Unifont live under it. ESPALIER_DATA_DIR moves it (tests, portable installs).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function appDataDir(
  platform: NodeJS.Platform = process.platform,
  env: Record<string, string | undefined> = process.env,
): string {
  if (env['ESPALIER_DATA_DIR']) return env['ESPALIER_DATA_DIR'];
  const home = env['HOME'] ?? env['USERPROFILE'] ?? homedir();
  const base =
    platform === 'win32'
      ? (env['APPDATA'] ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env['XDG_CONFIG_HOME'] ?? join(home, '.config'));
  return join(base, 'espalier');
}

/** Where `espalier font install` keeps the fonts it fetched (searched last by font discovery). */
export function appFontDir(
  platform: NodeJS.Platform = process.platform,
  env: Record<string, string | undefined> = process.env,
): string {
  return join(appDataDir(platform, env), 'fonts');
}
