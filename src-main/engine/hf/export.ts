// `export --format hf`: an Espalier model folder → a Hugging Face folder that transformers loads as
// ArceeForCausalLM (config.json, model.safetensors or shards + index, tokenizer files, generation_config.json,
// README.md, espalier.json). Weights stream tensor by tensor from the folder's file into the export.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadResults } from '../eval/results';
import { writeFileAtomic } from '../util/atomic';
import { loadFolderSubstrate, readModelMeta, type ModelFolderMeta } from '../io/model-folder-format';
import { openSafetensors } from '../util/safetensors';
import type { HostTensor } from '../model/init';
import { loadTokenizer } from '../tokenizer/hf-json';
import { UserError } from '../../common/errors';
import { modelCard, type CardEval } from './card';
import { hfConfigJson, hfExportBlocker, hfGenerationConfigJson } from './config';
import { SIDECAR_FILE, SIDECAR_FORMAT, SIDECAR_VERSION, type GrowthEntry, type Sidecar } from './sidecar';
import { writeTokenizerFiles } from './tokenizer-files';
import { DEFAULT_MAX_SHARD_BYTES, writeHfWeights } from './shards';
import { effectiveEmbedding, toHfSources } from './weights';

export interface HfExportOptions {
  /** Title of the model card (default: the folder name). */
  name?: string;
  /** Results to list besides those saved in the folder's evals/ (e.g. the workspace's). */
  evals?: CardEval[];
  /** Growth history to use instead of what the folder records (e.g. the workspace's lineage of stages). */
  growth?: GrowthEntry[];
  /** Weights above this many bytes are split into shards with an index, as save_pretrained does (default 5 GB). */
  maxShardBytes?: number;
}

export interface HfExportResult {
  out: string;
  files: string[];
  layers: number;
  substrateId: string;
  tokenizerId: string;
  /** 'substrate': the embedding is the substrate's rows; 'folded': projection/scale folded in. */
  embedding: 'substrate' | 'folded';
}

export const MERGE_REFUSAL =
  'a merge averages its experts\u2019 logits at every position, which no single transformers model computes (it needs every expert\u2019s forward pass); export each expert with --format hf instead';

/** Growth recorded in a model folder: earlier tiers carried over from an import, then this folder's own stage or run. */
export function folderGrowth(meta: ModelFolderMeta): GrowthEntry[] {
  const t = meta.training ?? {};
  const history = Array.isArray(t['history']) ? (t['history'] as GrowthEntry[]) : [];
  const g = t['growth'];
  if (g && typeof g === 'object') {
    const s = g as Record<string, unknown>;
    return [
      ...history,
      {
        depth: meta.config.layers,
        steps: typeof s['steps'] === 'number' ? s['steps'] : undefined,
        valLoss: typeof s['valLoss'] === 'number' ? s['valLoss'] : null,
        trainer: 'Espalier',
      },
    ];
  }
  if (history.length === 0 && typeof t['steps'] === 'number') {
    return [
      {
        depth: meta.config.layers,
        steps: t['steps'],
        valLoss: typeof t['valLoss'] === 'number' ? t['valLoss'] : null,
        trainer: 'Espalier (whole model)',
      },
    ];
  }
  return history;
}

function evalsOf(dir: string): CardEval[] {
  return loadResults(dir).map((r) => ({
    task: r.task,
    protocol: r.protocol,
    metrics: r.metrics,
    ci95: r.ci95,
    n: r.n,
    dataset: r.dataset,
    runs: r.runs,
  }));
}

function checkOut(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UserError(`${out} is a file; give a folder for the Hugging Face model`);
  if (readdirSync(out).length > 0)
    throw new UserError(`${out} is not empty; choose a new folder (nothing there is overwritten)`);
}

export function exportHf(modelDir: string, outDir: string, opts: HfExportOptions = {}): HfExportResult {
  if (existsSync(join(modelDir, 'merge.json')))
    throw new UserError(`${modelDir}: cannot export a merge as one Hugging Face model: ${MERGE_REFUSAL}`);
  const meta = readModelMeta(modelDir);
  const cfg = meta.config;
  const blocker = hfExportBlocker(cfg);
  if (blocker) throw new UserError(`${modelDir}: cannot export as a Hugging Face model: ${blocker}`);
  const weightsPath = join(modelDir, 'model.safetensors');
  const file = openSafetensors(weightsPath);
  try {
    return exportOpen(modelDir, outDir, opts, meta, (name) => {
      const t = file.read(name);
      return t && t.data instanceof Float32Array ? { shape: t.shape, data: t.data } : undefined;
    });
  } finally {
    file.close();
  }
}

function exportOpen(
  modelDir: string,
  outDir: string,
  opts: HfExportOptions,
  meta: ModelFolderMeta,
  get: (name: string) => HostTensor | undefined,
): HfExportResult {
  const cfg = meta.config;
  const weightsPath = join(modelDir, 'model.safetensors');
  const substrate = loadFolderSubstrate(modelDir, meta);
  if (substrate.id !== meta.substrate.id)
    throw new UserError(
      `${modelDir}: the folder's substrate is ${substrate.id.slice(0, 12)}… but config.json needs ${meta.substrate.id.slice(0, 12)}…`,
    );
  const tokenizer = loadTokenizer(join(modelDir, 'tokenizer.json'));
  if (tokenizer.id !== meta.tokenizerId)
    throw new UserError(
      `${modelDir}/tokenizer.json: its id ${tokenizer.id.slice(0, 12)}… is not the model's tokenizer ${meta.tokenizerId.slice(0, 12)}…`,
    );

  const trainable = cfg.embedding === 'trainable';
  const table = trainable
    ? get('embed.weight')
    : { shape: [substrate.vocabSize, substrate.dim], data: substrate.matrix };
  if (!table) throw new UserError(`${weightsPath}: missing tensor "embed.weight" (the model's trainable embedding)`);
  const proj = cfg.inputProjection === 'frozen-random' ? get('embed.proj') : undefined;
  if (cfg.inputProjection === 'frozen-random' && !proj)
    throw new UserError(`${weightsPath}: missing tensor "embed.proj"`);
  const folded = trainable || proj !== undefined || cfg.inputScale !== 1;
  const embedding = effectiveEmbedding(cfg, table.data, proj?.data ?? null);
  const tensors = toHfSources(cfg, embedding, get, weightsPath);

  const out = resolve(outDir);
  checkOut(out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const growth = opts.growth ?? folderGrowth(meta);
  const evals = [...evalsOf(modelDir), ...(opts.evals ?? [])];
  const kind: Sidecar['embedding'] = folded ? 'folded' : 'substrate';
  try {
    writeHfWeights(tmp, tensors, opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES);
    writeTokenizerFiles(tmp, tokenizer, cfg.contextLength);
    writeFileAtomic(join(tmp, 'generation_config.json'), `${JSON.stringify(hfGenerationConfigJson(cfg), null, 2)}\n`);
    const sidecar: Sidecar = {
      format: SIDECAR_FORMAT,
      version: SIDECAR_VERSION,
      substrate: substrate.meta,
      embedding: kind,
      tokenizerId: tokenizer.id,
      // Frozen blocks stay frozen; the embedding is frozen by construction on the way back.
      frozen: meta.frozen.filter((n) => n.startsWith('blocks.')),
      growth,
      ...(meta.training ? { training: meta.training } : {}),
      exportedAt: new Date().toISOString(),
    };
    writeFileAtomic(join(tmp, SIDECAR_FILE), `${JSON.stringify(sidecar, null, 2)}\n`);
    const name = opts.name ?? basename(resolve(modelDir));
    writeFileAtomic(
      join(tmp, 'README.md'),
      modelCard({
        name,
        config: cfg,
        substrate: substrate.meta,
        embedding: kind,
        tokenizerId: tokenizer.id,
        growth,
        evals,
      }),
    );
    // config.json last: a folder without it is not a model.
    writeFileAtomic(join(tmp, 'config.json'), `${JSON.stringify(hfConfigJson(cfg), null, 2)}\n`);
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return {
    out,
    files: readdirSync(out).sort(),
    layers: cfg.layers,
    substrateId: substrate.id,
    tokenizerId: tokenizer.id,
    embedding: kind,
  };
}
