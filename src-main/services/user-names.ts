// Error messages in the user's terms: where the main side turns an error into a message for the app (the
// dispatcher and failed runs), workspace paths become the user's file names and record ids become record names.
import { basename, relative, resolve, sep } from 'node:path';
import type { Workspace } from '../store/index';

export interface Names {
  /** The workspace folder; paths inside it are the app's business, not the user's. */
  root: string;
  /** The name of a project, model, dataset, run or evaluation by id; undefined when there is none (deleted). */
  nameOf(id: string): string | undefined;
  /** Exact files to call by another name (an upload's stored path → the file name the user picked). */
  files?: ReadonlyMap<string, string>;
}

/** Ids minted by store/rows.ts newId: a known prefix, "_", 12 symbols of its alphabet. */
const ID = /(["'“]?)\b((?:mdl|ds|prj|run|ev)_[a-km-np-z2-9]{12})\b(["'”]?)/g;
const KIND: Record<string, string> = { mdl: 'model', ds: 'dataset', prj: 'project', run: 'run', ev: 'evaluation' };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A path inside the workspace, relative to it (forward slashes), in the user's terms. */
function describePath(rel: string, names: Names): string {
  const parts = rel.split('/');
  const [top, id, ...rest] = parts;
  const tail = rest.join('/');
  // Uploads keep the picked file's (sanitised) name as their last part.
  if (top === 'datasets' && id === 'uploads' && rest.length >= 2) return rest.slice(1).join('/');
  const kind = top === 'models' ? 'model' : top === 'datasets' ? 'dataset' : top === 'runs' ? 'run' : null;
  const name = kind && id ? names.nameOf(id.replace(/\.[a-z]+$/, '')) : undefined;
  if (kind && name !== undefined) return tail ? `${tail} of ${kind} “${name}”` : `${kind} “${name}”`;
  return `${rel} in the workspace`;
}

/** The message with workspace paths and record ids replaced by what the user knows them as. */
export function userMessage(message: string, names: Names): string {
  let out = message;
  for (const [file, shown] of [...(names.files ?? new Map<string, string>())].sort(
    (a, b) => b[0].length - a[0].length,
  )) {
    out = out.split(file).join(shown);
  }
  const root = resolve(names.root);
  // A path under the root runs until whitespace or a character no stored path contains (":" ends it so that
  // "file:12: problem" keeps its line number).
  const underRoot = new RegExp(`${escapeRe(root)}((?:${escapeRe(sep)}[^\\s:"'“”,;()\\[\\]]*)*)`, 'g');
  out = out.replace(underRoot, (_m, rest: string) => {
    const rel = relative(root, root + rest)
      .split(sep)
      .join('/');
    return rel === '' ? 'the workspace folder' : describePath(rel, names);
  });
  return out.replace(ID, (m: string, open: string, id: string, close: string, offset: number, whole: string) => {
    const name = names.nameOf(id);
    if (name === undefined) return m;
    const kind = KIND[id.slice(0, id.indexOf('_'))]!;
    // "model mdl_x" and "model "mdl_x"" read "model “name”"; a bare id gets its kind in front.
    const before = whole.slice(0, offset).trimEnd();
    const named = `“${name}”`;
    return before.endsWith(kind) || before.endsWith(`${kind}s`) || open || close ? named : `${kind} ${named}`;
  });
}

/** Names from the workspace database; run errors add their own file map (uploads). */
export function workspaceNames(ws: Workspace, files?: ReadonlyMap<string, string>): Names {
  return {
    root: ws.root,
    files,
    nameOf(id) {
      try {
        if (id.startsWith('mdl_')) return ws.models.get(id)?.name;
        if (id.startsWith('ds_')) return ws.datasets.get(id)?.name;
        if (id.startsWith('prj_')) return ws.projects.get(id)?.name;
        if (id.startsWith('run_')) return ws.runs.get(id)?.name || undefined;
      } catch {
        // A closed database while shutting down: the id is better than no message.
      }
      return undefined;
    },
  };
}

/** An import run's upload: its stored path (absolute) → the file name the user picked. */
export function uploadFiles(ws: Workspace, params: Record<string, unknown>): Map<string, string> {
  const m = new Map<string, string>();
  const source = params['source'];
  const fileName = params['fileName'];
  if (typeof source === 'string' && typeof fileName === 'string' && source.length > 0)
    m.set(resolve(ws.root, source), basename(fileName));
  return m;
}
