// The app on WebGPU: choose the webgpu backend in the System view (SwiftShader, a software Vulkan GPU, on CI),
// see the adapter named and labelled software, train a tiny model through the Growth view on it and see the run
// say which backend and adapter computed it; then go back to auto. Runs after the flow, on its project.
import { existsSync } from 'node:fs';
import { SWIFTSHADER_ICD } from '../../src-main/engine/backend-webgpu';
import { assert, Suite, until } from '../lib/harness';
import { attr, tid, type Ui } from '../lib/ui';
import type { Watcher } from '../lib/browser';
import { NAMES } from './flow';

const MIN = 60_000;
/** SwiftShader computes on the CPU, far slower than wasm: two short steps are enough to show it. */
const STEPS = Number(process.env['E2E_WEBGPU_STEPS'] ?? 2);
const MODEL = 'gpu-tiny';

/**
 * Lets the server's workers find SwiftShader's Vulkan driver (Debian's chromium package ships it). Call before
 * the server starts; without the file the run fails at once with the install command. Espalier itself never sets
 * VK_ICD_FILENAMES, and `auto` never picks a software adapter, so the other suites still run on wasm.
 */
export function useSwiftShader(): void {
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(
      `${SWIFTSHADER_ICD} is missing: the WebGPU suite runs on SwiftShader; install it with \`sudo apt-get install -y chromium libvulkan1\``,
    );
  process.env['VK_ICD_FILENAMES'] ??= SWIFTSHADER_ICD;
}

async function chooseBackend(ui: Ui, backend: string): Promise<void> {
  await ui.t(`backend-option-${backend}`).locator('input').check();
  await ui.t('backend-apply').click();
  await until(
    `the ${backend} choice to be applied`,
    async () => {
      if (await ui.t('backend-error').isVisible())
        throw new Error(`choosing ${backend} was refused: ${await ui.note(ui.t('backend-error'))}`);
      return (await ui.text(ui.t('backend-choice'))).includes(`Jobs start with ${backend} (this workspace’s setting)`);
    },
    { timeoutMs: 3 * MIN },
  );
}

export function webgpuSuite(ui: Ui, watcher: Watcher): Suite {
  const s = new Suite('WebGPU: the backend choice, the adapter, and a run trained on it');
  s.after(() => watcher.check());

  s.step('the System view offers webgpu and names the software adapter it would use', async () => {
    await ui.go('system');
    const note = await until(
      'the webgpu adapter line',
      async () => (await ui.text(ui.t('backend-webgpu-adapter')).catch(() => '')) || null,
      { timeoutMs: 3 * MIN },
    );
    assert(
      /swiftshader/i.test(note) && /software/.test(note),
      `the webgpu option should name SwiftShader and say it is software, it says "${note}"`,
    );
  });

  s.step('choosing webgpu starts a worker on it: the System view shows the adapter in use', async () => {
    await chooseBackend(ui, 'webgpu');
    const backend = await ui.text(ui.t('system-backend'));
    assert(backend === 'webgpu', `the backend in use should be webgpu, it says "${backend}"`);
    const adapter = await ui.text(ui.t('system-adapter'));
    assert(
      /swiftshader/i.test(adapter) && /in use/.test(adapter) && /software/.test(adapter),
      `the adapter panel should show SwiftShader in use, labelled software; it says "${adapter}"`,
    );
    await ui.shot('system-webgpu');
  });

  s.step('a tiny model trains on webgpu and its run names the backend and adapter', async () => {
    await ui.go('growth');
    const before = await ui
      .t('growth-run')
      .getAttribute('data-run-id', { timeout: 1000 })
      .catch(() => null);
    if (!(await ui.t('grow-form').isVisible())) await ui.t('grow-new').click();
    await ui.t('grow-preset-tiny').click();
    await ui.t('grow-mode').selectOption('train');
    await ui.t('grow-name').fill(MODEL);
    await ui.t(`grow-dataset-${NAMES.corpusA}`).check();
    await ui.t('train-layers').fill('1');
    await ui.t('train-steps').fill(String(STEPS));
    // Short windows and small batches: each step and each validation pass stays within seconds on SwiftShader.
    const form = ui.t('grow-form');
    await form.locator('details summary').first().click();
    await form.getByLabel('Context', { exact: true }).fill('8');
    await form.getByLabel('Batch', { exact: true }).fill('2');
    await ui.t('grow-start').click();
    await until('the webgpu training run to be shown', async () => {
      if (await ui.t('grow-start-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('grow-start-error'))}`);
      const id = await ui
        .t('growth-run')
        .getAttribute('data-run-id', { timeout: 1000 })
        .catch(() => null);
      return id !== null && id !== before;
    });
    await ui.runDone(ui.t('growth-run'), 'the training on webgpu', 10 * MIN);
    const on = await until(
      'the run’s backend line',
      async () => (await ui.text(ui.t('growth-run').locator(tid('run-backend'))).catch(() => '')) || null,
    );
    assert(
      /^Computed on webgpu on google swiftshader.*software$/.test(on),
      `the run should say it computed on webgpu on SwiftShader (software), it says "${on}"`,
    );
    await ui.go('catalog');
    await ui.t('model-row', attr('data-model-name', MODEL) + attr('data-kind', 'trained')).waitFor();
    await ui.go('growth');
    await ui.shot('growth-webgpu');
  });

  s.step('back to auto: a software adapter is never chosen automatically', async () => {
    await ui.go('system');
    await chooseBackend(ui, 'auto');
    const backend = await ui.text(ui.t('system-backend'));
    assert(backend !== 'webgpu', `auto must not pick the software adapter, it picked "${backend}"`);
  });

  return s;
}
