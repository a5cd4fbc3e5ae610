// `espalier font status|install`: where the glyph substrate's GNU Unifont comes from, and fetching the pinned
// release into the app's data folder (checksum-verified) where none is found.
import { defaultFontSearch, findSystemUnifont } from '../../engine/substrate/discover';
import { defaultUnifontMirrors, installUnifont, UNIFONT_VERSION } from '../../engine/substrate/font-install';
import { appFontDir } from '../../engine/util/app-data';
import { type Command, defineCommand, list, optNum, optStr } from '../command';

interface FontStatus {
  found: string | null;
  appFontDir: string;
  searched: string[];
}

function status(): FontStatus {
  const search = defaultFontSearch();
  return {
    found: findSystemUnifont(search) ?? null,
    appFontDir: appFontDir(),
    searched: [...search.dirs, ...search.trees],
  };
}

const statusCmd = defineCommand({
  path: ['font', 'status'],
  summary: 'say which GNU Unifont the glyph substrate uses here, or that none is found',
  options: [],
  async run() {
    return status();
  },
  human(r) {
    const s = r as FontStatus;
    return s.found
      ? `GNU Unifont: ${s.found}`
      : `GNU Unifont: not found (looked in ${s.searched.join(', ')}); run \`espalier font install\``;
  },
});

interface InstallResult {
  action: 'downloaded' | 'kept' | 'found';
  path: string;
  url: string | null;
  sha256: string | null;
  bytes: number | null;
}

const installCmd = defineCommand({
  path: ['font', 'install'],
  summary: `download GNU Unifont ${UNIFONT_VERSION} from the GNU mirrors into the app's data folder, verifying its SHA-256`,
  options: [
    { name: 'force', kind: 'boolean', description: 'download even when a Unifont is already found on this system' },
    {
      name: 'url',
      kind: 'list',
      metavar: 'URL',
      description: 'mirror(s) to try instead, in order (a .hex.gz of the same release)',
    },
    {
      name: 'dir',
      kind: 'string',
      metavar: 'DIR',
      description: "where to keep it (default: the app's font folder, which font discovery searches)",
    },
    { name: 'timeout', kind: 'number', metavar: 'S', description: 'seconds to wait for each mirror (default 60)' },
  ],
  async run(opts, _pos, ctx): Promise<InstallResult> {
    const s = status();
    if (s.found && !opts['force'] && !optStr(opts, 'dir')) {
      ctx.log(`GNU Unifont is already here: ${s.found} (--force downloads the pinned copy anyway)`);
      return { action: 'found', path: s.found, url: null, sha256: null, bytes: null };
    }
    const urls = list(opts, 'url');
    const timeout = optNum(opts, 'timeout');
    const r = await installUnifont({
      dir: optStr(opts, 'dir'),
      urls: urls.length > 0 ? urls : defaultUnifontMirrors(),
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      onProgress: (p) => ctx.progress('unifont', p.receivedBytes, p.totalBytes ?? p.receivedBytes, p.url),
    });
    ctx.progressDone();
    return { action: r.url ? 'downloaded' : 'kept', path: r.path, url: r.url, sha256: r.sha256, bytes: r.bytes };
  },
  human(r) {
    const i = r as InstallResult;
    if (i.action === 'found') return `GNU Unifont already found: ${i.path}`;
    if (i.action === 'kept') return `GNU Unifont ${UNIFONT_VERSION} is already installed and verified: ${i.path}`;
    return `GNU Unifont ${UNIFONT_VERSION} downloaded from ${i.url}, SHA-256 verified, saved to ${i.path}`;
  },
});

const font: Command[] = [statusCmd, installCmd];
export default font;
