// Child process for test/webgpu-quiet.test.ts: starts the automatic backend chain and prints what it chose, the
// webgpu attempt's reason, the one description of the compute and the quiet probe's captured warnings.
import { describeBackend, initBackend } from '../../src-main/engine/backend';
import { peekWebgpuProbe } from '../../src-main/engine/webgpu-probe';

const r = await initBackend({ backend: 'auto' });
const webgpu = r.tried.find((t) => t.name === 'webgpu');
process.stdout.write(
  `${JSON.stringify({ backend: r.backend, webgpu: webgpu?.reason ?? null, description: describeBackend(r), wasmReason: r.tried.find((t) => t.name === 'wasm')?.reason ?? null, warnings: peekWebgpuProbe()?.warnings ?? null })}\n`,
);
