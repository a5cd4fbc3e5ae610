// `espalier generate`: continues a prompt with a trained model folder (KV-cache decoding, seeded sampling).
import { initBackend, parseBackendName } from '../../engine/backend';
import { generate } from '../../engine/generate/index';
import { join } from 'node:path';
import { loadAnyModel } from '../../engine/compose/spec';
import { UserError } from '../../common/errors';
import { defineCommand, list, optNum, optStr, str } from '../command';
import { folderLoader } from '../merge-experts';
import { loadVocab } from '../vocab';

interface GenerateCliResult {
  prompt: string;
  text: string;
  tokens: number;
  finish: string;
  tokensPerSec: number;
  model: string;
}

export default defineCommand({
  path: ['generate'],
  summary: 'continue a prompt with a trained model folder',
  options: [
    {
      name: 'model',
      kind: 'string',
      metavar: 'DIR',
      required: true,
      description: 'model folder (from `espalier train --out`)',
    },
    { name: 'prompt', kind: 'string', metavar: 'TEXT', description: 'text to continue (default: start from <bos>)' },
    { name: 'max-tokens', kind: 'number', metavar: 'N', description: 'new tokens at most', default: 100 },
    { name: 'temperature', kind: 'number', metavar: 'T', description: '0 = greedy', default: 0.8 },
    {
      name: 'top-k',
      kind: 'number',
      metavar: 'K',
      description: 'sample among the K most likely tokens (0 = all)',
      default: 0,
    },
    { name: 'top-p', kind: 'number', metavar: 'P', description: 'nucleus sampling mass (1 = off)', default: 1 },
    { name: 'seed', kind: 'number', metavar: 'S', description: 'sampling seed', default: 0 },
    { name: 'stop', kind: 'list', metavar: 'TEXT', description: 'stop when the new text contains TEXT' },
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
  ],
  async run(opts): Promise<GenerateCliResult> {
    await initBackend({ backend: parseBackendName(optStr(opts, 'backend')), threads: 1 });
    const maxTokens = optNum(opts, 'max-tokens')!;
    if (!Number.isInteger(maxTokens) || maxTokens < 0)
      throw new UserError(`option --max-tokens expects a non-negative integer, got ${maxTokens}`);
    const temperature = optNum(opts, 'temperature')!;
    if (!(temperature >= 0)) throw new UserError(`option --temperature must be ≥ 0, got ${temperature}`);
    const topP = optNum(opts, 'top-p')!;
    if (!(topP > 0 && topP <= 1)) throw new UserError(`option --top-p must be in (0, 1], got ${topP}`);
    const dir = str(opts, 'model');
    // A model folder or a merge folder (merge.json referencing its experts); both carry tokenizer.json.
    const model = await loadAnyModel(dir, folderLoader());
    try {
      const tok = loadVocab(join(dir, 'tokenizer.json'));
      const prompt = optStr(opts, 'prompt') ?? '';
      const r = await generate(model, tok, [prompt], {
        maxTokens,
        temperature,
        topK: optNum(opts, 'top-k'),
        topP,
        seed: optNum(opts, 'seed'),
        stop: list(opts, 'stop'),
      });
      return {
        prompt,
        text: r.texts[0]!,
        tokens: r.ids[0]!.length,
        finish: r.finish[0]!,
        tokensPerSec: Math.round(r.tokensPerSec),
        model: dir,
      };
    } finally {
      model.dispose();
    }
  },
  human(result) {
    const r = result as GenerateCliResult;
    return `${r.prompt}${r.text}`;
  },
});
