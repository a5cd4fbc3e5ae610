// `import --format hf`: a Hugging Face ArceeForCausalLM folder (an Espalier export, possibly grown further with
// scale/grow.py) → an Espalier model folder whose substrate is the embedding table, its id recomputed.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeModelFolder, type ModelFolderMeta } from '../io/model-folder';
import { readSafetensors, type SafetensorsFile } from '../util/safetensors';
import type { HostTensor } from '../model/init';
import { SUBSTRATE_BUILDER_VERSION, substrateId, type Substrate, type SubstrateMeta } from '../substrate/format';
import { loadTokenizer, tokenizerToJson } from '../tokenizer/hf-json';
import { UserError } from '../../common/errors';
import { configFromHf } from './config';
import { readSidecar } from './sidecar';
import { fromHfTensors, HF_EMBED } from './weights';

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

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new UserError(`${path}: not found; a Hugging Face model folder needs it`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 120)})`);
  }
}

/** Every tensor of the folder: model.safetensors, or the shards model.safetensors.index.json lists. */
function readWeights(dir: string): (name: string) => HostTensor | undefined {
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  const files: { path: string; file: SafetensorsFile }[] = [];
  if (existsSync(single)) files.push({ path: single, file: readSafetensors(single) });
  else if (existsSync(index)) {
    const map = (readJson(index) as { weight_map?: Record<string, string> }).weight_map;
    if (!map || typeof map !== 'object') throw new UserError(`${index}: field "weight_map" is missing`);
    for (const shard of [...new Set(Object.values(map))].sort()) files.push({ path: join(dir, shard), file: readSafetensors(join(dir, shard)) });
  } else throw new UserError(`${dir}: no model.safetensors (nor model.safetensors.index.json); save the model with safe_serialization`);
  return (name) => {
    for (const { path, file } of files) {
      const t = file.tensors.get(name);
      if (!t) continue;
      if (!(t.data instanceof Float32Array)) throw new UserError(`${path}: tensor "${name}" is ${t.dtype}; Espalier imports float32 weights (save with torch_dtype=torch.float32)`);
      return { shape: t.shape, data: t.data };
    }
    return undefined;
  };
}

function checkOut(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UserError(`${out} is a file; give a folder for the Espalier model`);
  if (readdirSync(out).length > 0) throw new UserError(`${out} is not empty; choose a new folder (nothing there is overwritten)`);
}

export function importHf(fromDir: string, outDir: string): HfImportResult {
  const from = resolve(fromDir);
  if (!existsSync(from) || !statSync(from).isDirectory()) throw new UserError(`${from}: not a folder`);
  const cfgPath = join(from, 'config.json');
  const cfg = configFromHf(readJson(cfgPath), cfgPath);
  const tokPath = join(from, 'tokenizer.json');
  if (!existsSync(tokPath)) throw new UserError(`${tokPath}: not found; the model's tokenizer must be in the folder`);
  const tokenizer = loadTokenizer(tokPath);
  if (tokenizer.size !== cfg.vocabSize) throw new UserError(`${cfgPath}: field "vocab_size" is ${cfg.vocabSize} but ${tokPath} has ${tokenizer.size} tokens`);
  const sidecar = readSidecar(from);
  const { tensors, embedding } = fromHfTensors(cfg, readWeights(from), join(from, 'model.safetensors'));
  for (let i = 0; i < embedding.length; i++) {
    if (!Number.isFinite(embedding[i]!)) throw new UserError(`${from}: tensor "${HF_EMBED}" holds a non-finite value at row ${Math.floor(i / cfg.dModel)}`);
  }

  const id = substrateId(tokenizer.id, embedding);
  const restored = sidecar !== null && sidecar.substrate.id === id && sidecar.substrate.tokenizerId === tokenizer.id;
  const meta: SubstrateMeta = restored
    ? sidecar.substrate
    : { format: 'espalier-substrate', id, kind: 'imported', dim: cfg.dModel, vocabSize: cfg.vocabSize, tokenizerId: tokenizer.id, builderVersion: SUBSTRATE_BUILDER_VERSION, sourceFile: `${basename(from)}/model.safetensors`, sourceTensor: HF_EMBED };
  const substrate: Substrate = { id, kind: meta.kind, dim: cfg.dModel, vocabSize: cfg.vocabSize, matrix: embedding, meta };
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
      training: { importedFrom: from, format: 'hf', history: sidecar?.growth ?? [], ...(sidecar?.training ? { source: sidecar.training } : {}) },
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
  return { out, layers: cfg.layers, substrateId: id, tokenizerId: tokenizer.id, substrateRestored: restored, params: { total, trainable }, meta: written };
}
