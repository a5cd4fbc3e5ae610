// Runs every benchmark in turn (tokenizer, training vs PyTorch, growth, evaluation); each prints its own ratios.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['tokenizer', 'train', 'grow', 'eval'];
const only = process.argv.slice(2);
let failed = 0;
for (const name of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (res.status !== 0) {
    failed++;
    process.stdout.write(`bench ${name} exited with ${res.status ?? res.signal}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
