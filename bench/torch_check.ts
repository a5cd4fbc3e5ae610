// Cross-checks an exported model folder against bench/torch_reference.py: prints the largest absolute
// difference between Espalier's and PyTorch's next-token logits over every position of a prompt.
//   npx tsx bench/torch_check.ts --model DIR [--prompt TEXT]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src-main/engine/backend';
import { loadModel } from '../src-main/engine/io/model-folder';
import { loadTokenizer } from '../src-main/engine/tokenizer/index';

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_reference.py', import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Largest |Espalier − PyTorch| over all positions' logits, or null when no python3 has torch. */
export function torchLogitsDiff(dir: string, ids: number[], espalier: Float32Array): number | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) continue;
    const r = spawnSync(py, [TORCH_SCRIPT, 'logits', dir, '--ids', ids.join(','), '--all'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`torch_reference.py failed: ${r.stderr}`);
    const rows = (JSON.parse(r.stdout) as { logits: number[][] }).logits.flat();
    let max = 0;
    rows.forEach((v, i) => (max = Math.max(max, Math.abs(v - espalier[i]!))));
    return max;
  }
  return null;
}

async function main(): Promise<void> {
  const dir = arg('model');
  if (!dir) throw new Error('usage: tsx bench/torch_check.ts --model DIR [--prompt TEXT]');
  await initBackend({ threads: 1 });
  const { model, tokenizerPath } = loadModel(dir);
  const tok = loadTokenizer(tokenizerPath);
  const ids = Array.from(tok.encode(arg('prompt') ?? 'What is Debian?')).slice(0, model.contextLength);
  const input = tf.tensor2d(ids, [1, ids.length], 'int32');
  const logits = model.logits(input);
  const diff = torchLogitsDiff(dir, ids, logits.dataSync() as Float32Array);
  console.log(diff === null ? 'PyTorch not found: install python3-torch to run this check' : `${ids.length} positions × ${model.vocabSize} logits: max |Espalier − PyTorch| = ${diff.toExponential(3)}`);
  tf.dispose([input, logits]);
}

if (process.argv[1] && /torch_check\.ts$/.test(process.argv[1])) await main();
