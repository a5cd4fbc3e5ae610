// The host file dialog as a contract channel: Electron's main process opens the native dialog and grants the
// chosen path (host-paths.ts), so the renderer never gets to name a host path of its own. Browser mode has none.
import { UserError } from '../common/errors';
import type { ServiceContext } from './context';

export type FilePurpose = 'font' | 'matrix' | 'dataset' | 'export-folder';

/** Opens a native dialog for `purpose`; resolves with the chosen path, or null when the user cancelled. */
export type FileChooser = (purpose: FilePurpose) => Promise<string | null>;

export class FilesService {
  constructor(
    private readonly c: ServiceContext,
    private readonly chooser: FileChooser | undefined,
  ) {}

  async choose(req: { purpose: FilePurpose }): Promise<{ path: string | null }> {
    if (!this.chooser) throw new UserError('there is no host file dialog in the browser; upload the file instead');
    const path = await this.chooser(req.purpose);
    if (path !== null) this.c.hostPaths.grant(path);
    return { path };
  }
}
