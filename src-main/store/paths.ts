// Where things live inside a workspace folder. The database stores paths relative to the root so the folder can move.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../common/errors';
import { ID_PATTERN } from './rows';

export const DB_FILE = 'espalier.db';

function safeId(id: string, what: string): string {
  if (!ID_PATTERN.test(id))
    throw new UserError(`invalid ${what} id "${id}": only letters, digits, "_" and "-" are allowed`);
  return id;
}

export class WorkspacePaths {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get dbFile(): string {
    return join(this.root, DB_FILE);
  }
  get modelsDir(): string {
    return join(this.root, 'models');
  }
  get runsDir(): string {
    return join(this.root, 'runs');
  }
  get datasetsDir(): string {
    return join(this.root, 'datasets');
  }
  get tokenizersDir(): string {
    return join(this.root, 'tokenizers');
  }
  get substratesDir(): string {
    return join(this.root, 'substrates');
  }
  /** Where models exported from a browser client go (it cannot name host folders). */
  get exportsDir(): string {
    return join(this.root, 'exports');
  }
  /** `studies/<id>/`: a study's finished arms, its report and plots. */
  get studiesDir(): string {
    return join(this.root, 'studies');
  }
  /** Per-workspace settings (the compute backend the app's workers start with). */
  get settingsFile(): string {
    return join(this.root, 'settings.json');
  }
  /** Scratch space on the same filesystem as the targets, so atomic renames work. */
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  /** `models/<id>/`: model.safetensors, config.json, tokenizer.json (docs/user-guide.md, "Running the app"). */
  modelDir(id: string): string {
    return join(this.modelsDir, safeId(id, 'model'));
  }
  modelWeights(id: string): string {
    return join(this.modelDir(id), 'model.safetensors');
  }
  modelConfig(id: string): string {
    return join(this.modelDir(id), 'config.json');
  }
  modelTokenizer(id: string): string {
    return join(this.modelDir(id), 'tokenizer.json');
  }

  /** `runs/<id>/`: checkpoints and logs of one job; a resumed job continues from here. */
  runDir(id: string): string {
    return join(this.runsDir, safeId(id, 'run'));
  }
  checkpointDir(runId: string): string {
    return join(this.runDir(runId), 'checkpoints');
  }

  studyDir(id: string): string {
    return join(this.studiesDir, safeId(id, 'study'));
  }

  /** The extracted UTF-8 text of an imported dataset. */
  datasetText(id: string): string {
    return join(this.datasetsDir, `${safeId(id, 'dataset')}.txt`);
  }
  tokenizerFile(id: string): string {
    return join(this.tokenizersDir, `${safeId(id, 'tokenizer')}.json`);
  }
  substrateFile(id: string): string {
    return join(this.substratesDir, `${safeId(id, 'substrate')}.safetensors`);
  }

  /** Converts an absolute path inside the workspace to the relative form stored in the database. */
  toStored(absPath: string): string {
    const rel = relative(this.root, resolve(absPath));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
      throw new Error(`${absPath} is not inside the workspace ${this.root}`);
    // Forward slashes keep a workspace portable between Windows and POSIX machines.
    return rel.split(sep).join('/');
  }

  /** Resolves a stored relative path; refuses one that would leave the workspace. */
  fromStored(stored: string): string {
    const abs = resolve(this.root, ...stored.split('/'));
    const rel = relative(this.root, abs);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new UserError(`stored path "${stored}" points outside the workspace ${this.root}`);
    return abs;
  }
}
