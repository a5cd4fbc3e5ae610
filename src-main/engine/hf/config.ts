// The Espalier ⇄ transformers mapping of the architecture: an Espalier RMSNorm GPT is exactly transformers'
// ArceeForCausalLM (pre-RMSNorm, half-split RoPE, tanh-GELU non-gated MLP, no biases, untied head).
import { headDim, mlpWidth, resolveConfig, type ModelConfig } from '../model/config';
import { SPECIAL_TEXTS } from '../tokenizer/layout';
import { UserError } from '../../common/errors';

export const HF_ARCHITECTURE = 'ArceeForCausalLM';
export const HF_MODEL_TYPE = 'arcee';
export const HF_ACT = 'gelu_pytorch_tanh';

const PAD = SPECIAL_TEXTS.indexOf('<pad>');
const BOS = SPECIAL_TEXTS.indexOf('<bos>');
const EOS = SPECIAL_TEXTS.indexOf('<eos>');

/**
 * Why a config has no exact transformers twin, or null when it has one. The input projection and scale are not
 * reasons: they are folded into the exported embedding table (a fixed linear map of fixed rows is a fixed table).
 */
export function hfExportBlocker(cfg: ModelConfig): string | null {
  if (cfg.norm !== 'rmsnorm') {
    return `its norm is "${cfg.norm}": ArceeForCausalLM has RMSNorm only (LayerNorm also subtracts the mean and adds a bias), so no transformers model without custom code computes the same function`;
  }
  return null;
}

/** config.json for transformers (no trust_remote_code). */
export function hfConfigJson(cfg: ModelConfig): Record<string, unknown> {
  const blocker = hfExportBlocker(cfg);
  if (blocker) throw new UserError(`cannot export as a Hugging Face model: ${blocker}`);
  return {
    architectures: [HF_ARCHITECTURE],
    model_type: HF_MODEL_TYPE,
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.dModel,
    intermediate_size: mlpWidth(cfg),
    num_hidden_layers: cfg.layers,
    num_attention_heads: cfg.heads,
    num_key_value_heads: cfg.heads,
    head_dim: headDim(cfg),
    hidden_act: HF_ACT,
    max_position_embeddings: cfg.contextLength,
    initializer_range: cfg.initStd,
    rms_norm_eps: cfg.normEps,
    rope_parameters: { rope_type: 'default', rope_theta: cfg.ropeBase },
    attention_bias: false,
    attention_dropout: 0,
    mlp_bias: false,
    tie_word_embeddings: false,
    use_cache: true,
    pad_token_id: PAD,
    bos_token_id: BOS,
    eos_token_id: EOS,
    dtype: 'float32',
  };
}

export function hfGenerationConfigJson(cfg: ModelConfig): Record<string, unknown> {
  return { bos_token_id: BOS, eos_token_id: EOS, pad_token_id: PAD, max_length: cfg.contextLength, do_sample: false };
}

type Json = Record<string, unknown>;

function field(raw: Json, key: string, path: string): unknown {
  if (!(key in raw)) throw new UserError(`${path}: field "${key}" is missing`);
  return raw[key];
}

function posInt(raw: Json, key: string, path: string): number {
  const v = field(raw, key, path);
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new UserError(`${path}: field "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function expect(raw: Json, key: string, want: unknown, path: string, why: string, optionalDefault?: unknown): void {
  const v = key in raw ? raw[key] : optionalDefault;
  if (JSON.stringify(v) !== JSON.stringify(want)) {
    throw new UserError(
      `${path}: field "${key}" is ${JSON.stringify(v)}, but Espalier reads only ${JSON.stringify(want)} (${why})`,
    );
  }
}

/** The Espalier config of a transformers config.json; refuses any other architecture, naming the field. */
export function configFromHf(raw: unknown, path: string): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${path}: not a JSON object`);
  const c = raw as Json;
  const arch = c['architectures'];
  if (!Array.isArray(arch) || arch.length !== 1 || arch[0] !== HF_ARCHITECTURE) {
    throw new UserError(
      `${path}: field "architectures" is ${JSON.stringify(arch)}; Espalier imports only ["${HF_ARCHITECTURE}"] (its own block)`,
    );
  }
  expect(c, 'model_type', HF_MODEL_TYPE, path, 'the Arcee model family');
  expect(c, 'hidden_act', HF_ACT, path, "Espalier's MLP uses tanh-approximated GELU");
  expect(c, 'mlp_bias', false, path, "Espalier's blocks have no biases", false);
  expect(c, 'attention_bias', false, path, "Espalier's blocks have no biases", false);
  expect(c, 'tie_word_embeddings', false, path, "Espalier's head is untied from the frozen embedding", false);
  const d = posInt(c, 'hidden_size', path);
  const heads = posInt(c, 'num_attention_heads', path);
  const kv = c['num_key_value_heads'] ?? heads;
  if (kv !== heads)
    throw new UserError(
      `${path}: field "num_key_value_heads" is ${JSON.stringify(kv)}; Espalier has full multi-head attention (${heads} key/value heads)`,
    );
  const hd = c['head_dim'] ?? d / heads;
  if (hd !== d / heads)
    throw new UserError(
      `${path}: field "head_dim" is ${JSON.stringify(hd)}; Espalier needs hidden_size / num_attention_heads = ${d / heads}`,
    );
  const rope = c['rope_parameters'] ?? { rope_type: 'default', rope_theta: c['rope_theta'] ?? 10000 };
  if (
    typeof rope !== 'object' ||
    rope === null ||
    (rope as Json)['rope_type'] !== 'default' ||
    typeof (rope as Json)['rope_theta'] !== 'number'
  ) {
    throw new UserError(
      `${path}: field "rope_parameters" is ${JSON.stringify(rope)}; Espalier reads only {"rope_type": "default", "rope_theta": <number>}`,
    );
  }
  const partial = (rope as Json)['partial_rotary_factor'];
  if (partial !== undefined && partial !== 1)
    throw new UserError(
      `${path}: field "rope_parameters.partial_rotary_factor" is ${JSON.stringify(partial)}; Espalier rotates the whole head`,
    );
  const f = posInt(c, 'intermediate_size', path);
  const eps = field(c, 'rms_norm_eps', path);
  if (typeof eps !== 'number' || !(eps > 0))
    throw new UserError(`${path}: field "rms_norm_eps" must be a positive number, got ${JSON.stringify(eps)}`);
  const vocabSize = posInt(c, 'vocab_size', path);
  const layers = c['num_hidden_layers'];
  if (typeof layers !== 'number' || !Number.isInteger(layers) || layers < 0)
    throw new UserError(
      `${path}: field "num_hidden_layers" must be a non-negative integer, got ${JSON.stringify(layers)}`,
    );
  const initStd =
    typeof c['initializer_range'] === 'number' && c['initializer_range'] > 0 ? c['initializer_range'] : undefined;
  let cfg: ModelConfig;
  try {
    cfg = resolveConfig({
      vocabSize,
      layers,
      dModel: d,
      heads,
      contextLength: posInt(c, 'max_position_embeddings', path),
      mlpRatio: f / d,
      norm: 'rmsnorm',
      normEps: eps,
      ropeBase: (rope as Json)['rope_theta'] as number,
      substrateDim: d,
      inputProjection: 'none',
      inputScale: 1,
      embedding: 'frozen',
      ...(initStd !== undefined ? { initStd } : {}),
    });
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${path}: ${err.message}`);
    throw err;
  }
  if (mlpWidth(cfg) !== f)
    throw new UserError(
      `${path}: field "intermediate_size" ${f} is not a width Espalier can express for hidden_size ${d}`,
    );
  return cfg;
}
