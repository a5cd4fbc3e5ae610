// Cross-checks an exported model folder against bench/torch_reference.py: prints the largest absolute
// difference between Espalier's and PyTorch's next-token logits over every position of a prompt.
//   npx tsx bench/torch_check.ts --model DIR [--prompt TEXT]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src-main/engine/backend';
import { loadModel } from '../src-main/engine/io/model-folder-format';
import { loadTokenizer } from '../src-main/engine/tokenizer/index';

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_reference.py', import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Largest |Espalier − PyTorch| over all positions' logits, computed by `python` (an interpreter with torch). */
export function torchLogitsDiff(python: string, dir: string, ids: number[], espalier: Float32Array): number {
  const r = spawnSync(python, [TORCH_SCRIPT, 'logits', dir, '--ids', ids.join(','), '--all'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`torch_reference.py failed: ${r.stderr}`);
  const rows = (JSON.parse(r.stdout) as { logits: number[][] }).logits.flat();
  if (rows.length !== espalier.length)
    throw new Error(`torch_reference.py gave ${rows.length} logits, Espalier ${espalier.length}`);
  let max = 0;
  rows.forEach((v, i) => (max = Math.max(max, Math.abs(v - espalier[i]!))));
  return max;
}

/** The project's .venv (scripts/python-env.sh), $ESPALIER_PYTHON, or a system python3, whichever imports torch. */
function findTorchPython(): string | null {
  const venv = fileURLToPath(new URL('../.venv/bin/python', import.meta.url));
  const candidates = [process.env['ESPALIER_PYTHON'], venv, 'python3'].filter((p): p is string => !!p);
  return candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
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
  const py = findTorchPython();
  if (!py) throw new Error('no Python with torch: run `bash scripts/python-env.sh` (or set ESPALIER_PYTHON)');
  const diff = torchLogitsDiff(py, dir, ids, logits.dataSync() as Float32Array);
  console.log(
    `${ids.length} positions × ${model.vocabSize} logits: max |Espalier − PyTorch| = ${diff.toExponential(3)}`,
  );
  tf.dispose([input, logits]);
}

if (process.argv[1] && /torch_check\.ts$/.test(process.argv[1])) await main();
