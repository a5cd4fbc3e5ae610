// Builds and runs the standalone kernel test (native/test/kernels-test.cc, no Node inside) with the host's
// g++ — or, with --arm64, cross-compiles it with Debian's g++-aarch64-linux-gnu and runs it under qemu-user,
// so the NEON kernel is checked on an x86 machine. `--bench [threads]` prints GFLOP/s instead of testing.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arm64 = process.argv.includes('--arm64');
const benchAt = process.argv.indexOf('--bench');
const sources = [
  'test/kernels-test.cc',
  'src/gemm.cc',
  'src/micro-x86.cc',
  'src/micro-neon.cc',
  'src/softmax.cc',
  'test/ops-test.cc',
  'src/attention.cc',
  'src/norms.cc',
];
const outDir = join(root, 'native', 'build', 'test');
const exe = join(outDir, arm64 ? 'kernels-test-arm64' : 'kernels-test');
const cxx = arm64 ? 'aarch64-linux-gnu-g++' : process.env.CXX || 'g++';
const sysroot = '/usr/aarch64-linux-gnu';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: join(root, 'native'), ...opts });
  if (r.error) {
    const hint = arm64 ? ' (Debian: apt-get install g++-aarch64-linux-gnu qemu-user)' : '';
    console.error(`native-test: ${cmd} could not run: ${r.error.message}${hint}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

mkdirSync(outDir, { recursive: true });
console.log(`native-test: ${cxx} → ${exe}`);
run(cxx, ['-O2', '-std=c++17', '-pthread', '-o', exe, ...sources]);
const args = benchAt >= 0 ? ['--bench', process.argv[benchAt + 1] ?? '1'] : [];
if (arm64) run('qemu-aarch64', ['-L', sysroot, exe, ...args]);
else run(exe, args);
