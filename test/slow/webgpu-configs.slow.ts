// Training on webgpu (SwiftShader) equals wasm to 4 decimals at the two sizes issue 26 names: bench:gpu's reference
// configuration (vocab 4096, d 128, 4 heads, 2 blocks, context 64, batch 16) and 4 blocks of d 256 at context 128.
// About 5 minutes each on SwiftShader, so in the slow suite (`npm run test:slow`); the tiny case is in webgpu.test.ts.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../../src-main/engine/backend-webgpu';
import { expectSameTraining, trainSteps } from '../webgpu/compare';

describe('WebGPU training at full size (SwiftShader)', () => {
  for (const config of ['ref', 'd256']) {
    it(`matches wasm to 4 decimals at the ${config} configuration`, () => {
      if (!existsSync(SWIFTSHADER_ICD))
        throw new Error(`${SWIFTSHADER_ICD} is missing: install it with \`apt-get install -y chromium libvulkan1\``);
      expectSameTraining(trainSteps('wasm', config), trainSteps('webgpu', config));
    }, 1_000_000);
  }
});
