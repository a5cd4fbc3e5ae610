// Fetching GNU Unifont and installing optional backends from the app (System and Substrate views): one install at
// a time, its output streamed as 'system.installProgress' events, the result as one line.
import { fileURLToPath } from 'node:url';
import type { InstallTarget, InvokeResponse } from '../../../src-shared/contract';
import { defaultFontSearch, findSystemUnifont } from '../../engine/substrate/discover';
import { installUnifont, UNIFONT_VERSION } from '../../engine/substrate/font-install';
import { appFontDir } from '../../engine/util/app-data';
import { UserError } from '../../common/errors';
import type { EventBus } from '../events';
import { INSTALL_TARGETS, installability, installBackend } from './backends';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export class InstallsService {
  private running: InstallTarget | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly root = ROOT,
  ) {}

  installables(): InvokeResponse<'system.installables'> {
    return {
      font: { found: findSystemUnifont(defaultFontSearch()) ?? null, version: UNIFONT_VERSION, folder: appFontDir() },
      backends: INSTALL_TARGETS.map((t) => installability(t, this.root)),
      running: this.running,
    };
  }

  async install(req: { target: InstallTarget }): Promise<InvokeResponse<'system.install'>> {
    if (this.running) throw new UserError(`${this.running} is being installed; wait for it to finish`);
    const target = req.target;
    if (target !== 'unifont') {
      // What installables says is what install does: nothing runs for a backend that is there or cannot be here.
      const state = installability(target, this.root);
      if (state.installed)
        return { ok: true, line: `${target} is already installed (${state.packages.join(', ')}); nothing was run` };
      if (!state.installable) throw new UserError(`target: ${target} cannot be installed here: ${state.reason}`);
    }
    this.running = target;
    const progress = (line: string, fraction: number | null = null) =>
      this.bus.emit('system.installProgress', { target, line: line.slice(0, 2000), fraction });
    try {
      if (target === 'unifont') {
        let lastPct = -1;
        try {
          const r = await installUnifont({
            onProgress: (p) => {
              const fraction = p.totalBytes ? Math.min(1, p.receivedBytes / p.totalBytes) : null;
              const pct = fraction === null ? -1 : Math.floor(fraction * 20);
              // A line per 5 %: enough for a progress bar, few enough events.
              if (pct !== lastPct || p.receivedBytes === 0)
                progress(`downloading ${p.url}: ${p.receivedBytes} bytes`, fraction);
              lastPct = pct;
            },
          });
          const line = r.url
            ? `GNU Unifont ${UNIFONT_VERSION} downloaded from ${r.url}, SHA-256 verified, saved to ${r.path}`
            : `GNU Unifont ${UNIFONT_VERSION} is already installed: ${r.path}`;
          progress(line, 1);
          return { ok: true, line };
        } catch (err) {
          const line = (err as Error).message;
          progress(line);
          return { ok: false, line };
        }
      }
      const r = await installBackend(target, { root: this.root, onLine: (l) => progress(l) });
      progress(r.line, r.ok ? 1 : null);
      return r;
    } finally {
      this.running = null;
    }
  }
}
