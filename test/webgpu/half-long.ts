// Child process for test/slow/webgpu-f16.slow.ts: the same tiny model trained `steps` steps in float32 and with
// --precision f16 (float16 weight copies, packed saved activations, loss scaling) on the webgpu backend; prints
// one JSON line with both loss curves and the final loss scale.
import { initBackend, parseBackendName } from '../../src-main/engine/backend';
import { setWebGPUKernelsEnabled } from '../../src-main/engine/model/webgpu/runtime';
import { train } from './half-train';

async function main(): Promise<void> {
  const report = await initBackend({ backend: parseBackendName('webgpu') });
  setWebGPUKernelsEnabled(true);
  const steps = Number(process.argv[2] ?? 200);
  const layers = Number(process.argv[3] ?? 1);
  const f32 = await train('f32', steps, undefined, steps, layers);
  const f16 = await train('f16', steps, undefined, steps, layers);
  process.stdout.write(
    `${JSON.stringify({ backend: report.backend, f32: f32.losses, f16: f16.losses, scale: f16.scale })}\n`,
  );
}

main().then(
  () => undefined,
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
