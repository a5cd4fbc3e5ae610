// `--preset NAME` for train and grow: the paper's configurations (engine/plan/presets.ts), checked by name.
import { PRESET_NAMES, PRESETS, type ModelPreset } from '../../engine/plan/index';
import { UserError } from '../../common/errors';
import { optStr, type OptionSpec, type ParsedOptions } from '../command';

export const PRESET_OPTION: OptionSpec = {
  name: 'preset',
  kind: 'string',
  metavar: 'NAME',
  description: `the paper's configurations: ${PRESET_NAMES.map((n) => `${n} (${PRESETS[n]!.description})`).join('; ')}; explicit options override its values`,
};

/** Grow's options with a preset's values where the command line leaves them out (then the usual defaults). */
export function growPresetOptions(opts: ParsedOptions): ParsedOptions {
  const p = presetOf(opts);
  const out: ParsedOptions = { ...opts };
  const fill = (name: string, value: number | undefined) => {
    if (out[name] === undefined && value !== undefined) out[name] = value;
  };
  fill('stages', p?.config.layers);
  fill('d-model', p?.config.dModel);
  fill('heads', p?.config.heads ?? 4);
  fill('context', p?.config.contextLength ?? 64);
  return out;
}

/** Refuses a missing option that the spec cannot mark required (it is optional with --plan or --preset). */
export function requireOption(opts: ParsedOptions, name: string, metavar: string): void {
  if (opts[name] === undefined) throw new UserError(`missing required option --${name} ${metavar}`);
}

export function presetOf(opts: ParsedOptions): ModelPreset | null {
  const name = optStr(opts, 'preset');
  if (name === undefined) return null;
  const p = PRESETS[name];
  if (!p) throw new UserError(`option --preset must be one of ${PRESET_NAMES.join(', ')}, got "${name}"`);
  return p;
}
