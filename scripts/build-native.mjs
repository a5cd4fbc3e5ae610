// Builds the optional native kernel addon (native/addon.cc over native/src: matrix products, softmax
// cross-entropy) with node-gyp, the toolchain npm already uses for better-sqlite3. Runs from `npm ci`/`npm
// install` (the root package's install script): a failed build only warns, because the engine falls back to
// WebAssembly and `espalier doctor` names the reason.
// `--strict` (npm run build:native) exits non-zero instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');

function nodeGyp() {
  // npm hands lifecycle scripts the path of its bundled node-gyp; outside npm, look next to this node.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  for (const lib of [
    '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '../node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ]) {
    const p = join(dirname(process.execPath), lib);
    if (existsSync(p)) return [process.execPath, p];
  }
  return ['node-gyp'];
}

// Headers of the running node where they are installed (Debian's nodejs, official tarballs): no download.
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function fail(why) {
  const msg = `espalier: the native matrix addon was not built (${why}); training runs on WebAssembly instead — \`npm run build:native\` retries, \`espalier doctor\` reports it`;
  if (strict) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}

if (process.env.ESPALIER_NATIVE === '0' || process.env.ESPALIER_NATIVE === 'off') fail('ESPALIER_NATIVE=0');
const [cmd, ...pre] = nodeGyp();
const dir = nodeDir();
const args = [...pre, 'rebuild', '--directory', join(root, 'native'), ...(dir ? ['--nodedir', dir] : [])];
const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
if (r.error) fail(`${cmd} could not run: ${r.error.message}`);
if (r.status !== 0) fail(`node-gyp exited with status ${r.status}; it needs a C++ compiler, make and python3`);
if (!existsSync(join(root, 'native', 'build', 'Release', 'espalier_gemm.node')))
  fail('node-gyp reported success but produced no espalier_gemm.node');
console.log('espalier: native matrix addon built (native/build/Release/espalier_gemm.node)');
