// `npm test`'s pretest step: the suite needs GNU Unifont 15.0.01. Where neither the system nor the app's data folder
// has it, fetch the pinned, checksum-verified copy into the data folder (the same as `espalier font install`).
import { installUnifont } from '../../src-main/engine/substrate/font-install';
import { findTestUnifont } from './fixtures';

if (!findTestUnifont()) {
  process.stderr.write('pretest: GNU Unifont 15.0.01 not found; fetching the pinned copy into the app data folder…\n');
  try {
    const r = await installUnifont();
    process.stderr.write(`pretest: GNU Unifont installed at ${r.path}\n`);
  } catch (err) {
    process.stderr.write(`pretest: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
