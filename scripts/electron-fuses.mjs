// Flips Electron's fuses in a packaged Espalier build: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect,
// the app only from its (integrity-checked) app.asar, cookies encrypted. (A packaged build must use app.asar.)
// Use as an electron-builder `afterPack` hook (`"afterPack": "scripts/electron-fuses.mjs"`), or by hand on the
// packaged binary: node scripts/electron-fuses.mjs path/to/Espalier(.exe|.app)
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const FUSES = {
  version: FuseVersion.V1,
  // A fuse Electron adds later must be decided here, not silently inherited.
  strictlyRequireAllFuses: true,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // Stays on: the window loads the bundled index.html from file://, whose ES module scripts need it.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
};

/** Flips the fuses of one Electron binary; returns how many fuse wires were written (2 in a universal macOS build). */
export function applyFuses(binary, { resetAdHocDarwinSignature = false } = {}) {
  return flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature });
}

/** electron-builder afterPack hook. */
export default async function afterPack(context) {
  const name = context.packager.appInfo.productFilename;
  const platform = context.electronPlatformName;
  const binary =
    platform === 'darwin'
      ? join(context.appOutDir, `${name}.app`)
      : platform === 'win32'
        ? join(context.appOutDir, `${name}.exe`)
        : join(context.appOutDir, context.packager.executableName ?? name);
  await applyFuses(binary, { resetAdHocDarwinSignature: platform === 'darwin' && context.arch === 3 /* arm64 */ });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const binary = process.argv[2];
  if (!binary) {
    process.stderr.write('usage: node scripts/electron-fuses.mjs PATH_TO_PACKAGED_ELECTRON_BINARY\n');
    process.exit(2);
  }
  applyFuses(binary).then(
    (n) => process.stdout.write(`fuses set in ${binary} (${n} fuse wire${n === 1 ? '' : 's'})\n`),
    (err) => {
      process.stderr.write(`electron-fuses: ${binary}: ${err.message}\n`);
      process.exit(1);
    },
  );
}
