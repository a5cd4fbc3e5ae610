// `import --format hf`: a Hugging Face ArceeForCausalLM folder (an Espalier export, possibly grown further with
// scale/grow.py; one model.safetensors or save_pretrained's shards) → an Espalier model folder whose substrate is the embedding table, its id recomputed.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeModelFolder, type ModelFolderMeta } from '../io/model-folder-format';
import { SUBSTRATE_BUILDER_VERSION, substrateId, type Substrate, type SubstrateMeta } from '../substrate/format';
import { loadTokenizer, tokenizerToJson } from '../tokenizer/hf-json';
import { UserError } from '../../common/errors';
import { configFromHf } from './config';
import { openHfWeights } from './shards';
import { readSidecar, SIDECAR_FILE } from './sidecar';
import { fromHfTensors, HF_EMBED } from './weights';
import { readJsonCapped } from '../util/read-capped';
import { realInside } from '../util/contain';

export interface HfImportResult {
  out: string;
  layers: number;
  substrateId: string;
  tokenizerId: string;
  /** True when the table is byte-identical to the substrate the sidecar names (kind and metadata restored). */
  substrateRestored: boolean;
  /** Parameters of the model folder (the frozen substrate table is not one), and those not frozen. */
  params: { total: number; trainable: number };
  meta: ModelFolderMeta;
}

/**
 * The folder an imported file must stay in after links: the imported folder itself, or — for a Hugging Face cache
 * snapshot (…/models--org--name/snapshots/<revision>, whose files link to ../../blobs/<hash>) — the cache entry
 * that holds both. Anything a link reaches beyond it (/dev/zero, /etc/passwd, another folder) is refused.
 */
export function importRoot(from: string): string {
  const up = dirname(from);
  return basename(up) === 'snapshots' && basename(dirname(up)).startsWith('models--') ? dirname(up) : from;
}

function held(root: string, path: string, what: string): string {
  return realInside(root, path, what, 'the imported folder');
}

function readJson(path: string, root: string): unknown {
  if (!existsSync(path)) throw new UserError(`${path}: not found; a Hugging Face model folder needs it`);
  return readJsonCapped(held(root, path, 'JSON file'), 'Hugging Face JSON file');
}

function checkOut(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UserError(`${out} is a file; give a folder for the Espalier model`);
  if (readdirSync(out).length > 0)
    throw new UserError(`${out} is not empty; choose a new folder (nothing there is overwritten)`);
}

export function importHf(fromDir: string, outDir: string): HfImportResult {
  const from = resolve(fromDir);
  if (!existsSync(from) || !statSync(from).isDirectory()) throw new UserError(`${from}: not a folder`);
  const cfgPath = join(from, 'config.json');
  const root = importRoot(from);
  const cfg = configFromHf(readJson(cfgPath, root), cfgPath);
  const tokPath = join(from, 'tokenizer.json');
  if (!existsSync(tokPath)) throw new UserError(`${tokPath}: not found; the model's tokenizer must be in the folder`);
  const tokenizer = loadTokenizer(held(root, tokPath, 'tokenizer file'));
  if (tokenizer.size !== cfg.vocabSize)
    throw new UserError(
      `${cfgPath}: field "vocab_size" is ${cfg.vocabSize} but ${tokPath} has ${tokenizer.size} tokens`,
    );
  held(root, join(from, SIDECAR_FILE), 'espalier.json sidecar');
  const sidecar = readSidecar(from);
  const weights = openHfWeights(from, (p, what) => held(root, p, what));
  let converted: ReturnType<typeof fromHfTensors>;
  try {
    converted = fromHfTensors(cfg, (n) => weights.get(n), weights.source);
  } finally {
    weights.close();
  }
  const { tensors, embedding } = converted;
  for (let i = 0; i < embedding.length; i++) {
    if (!Number.isFinite(embedding[i]!))
      throw new UserError(
        `${from}: tensor "${HF_EMBED}" holds a non-finite value at row ${Math.floor(i / cfg.dModel)}`,
      );
  }

  const id = substrateId(tokenizer.id, embedding);
  const restored = sidecar !== null && sidecar.substrate.id === id && sidecar.substrate.tokenizerId === tokenizer.id;
  const meta: SubstrateMeta = restored
    ? sidecar.substrate
    : {
        format: 'espalier-substrate',
        id,
        kind: 'imported',
        dim: cfg.dModel,
        vocabSize: cfg.vocabSize,
        tokenizerId: tokenizer.id,
        builderVersion: SUBSTRATE_BUILDER_VERSION,
        sourceFile: `${basename(from)}/model.safetensors`,
        sourceTensor: HF_EMBED,
      };
  const substrate: Substrate = {
    id,
    kind: meta.kind,
    dim: cfg.dModel,
    vocabSize: cfg.vocabSize,
    matrix: embedding,
    meta,
  };
  const names = new Set(Object.keys(tensors));
  const frozen = (sidecar?.frozen ?? []).filter((n) => names.has(n));

  const out = resolve(outDir);
  checkOut(out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  let written: ModelFolderMeta;
  try {
    written = writeModelFolder(tmp, {
      config: cfg,
      tensors,
      substrate,
      tokenizerId: tokenizer.id,
      tokenizerJson: tokenizerToJson(tokenizer),
      frozen,
      training: {
        importedFrom: from,
        format: 'hf',
        history: sidecar?.growth ?? [],
        ...(sidecar?.training ? { source: sidecar.training } : {}),
      },
    });
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const size = (n: string): number => tensors[n]!.data.length;
  const total = Object.keys(tensors).reduce((a, n) => a + size(n), 0);
  const trainable = total - frozen.reduce((a, n) => a + size(n), 0);
  return {
    out,
    layers: cfg.layers,
    substrateId: id,
    tokenizerId: tokenizer.id,
    substrateRestored: restored,
    params: { total, trainable },
    meta: written,
  };
}
