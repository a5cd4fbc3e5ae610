// Builds the three Electron targets: main (src-main/app), preload and the Vue renderer.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  version: string;
  optionalDependencies?: Record<string, string>;
};
/**
 * The optional compute backends (webgpu's Dawn, tfjs-node's libtensorflow) carry native .node files: never bundled,
 * loaded at run time from node_modules by the worker process only (packaged builds unpack them from app.asar).
 */
const OPTIONAL_BACKENDS = Object.keys(pkg.optionalDependencies ?? {});

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin({ include: OPTIONAL_BACKENDS })],
    // worker.js: the job worker the app starts as an Electron utilityProcess (src-main/app/index.ts).
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src-main/app/index.ts'), worker: resolve(root, 'src-main/worker/main.ts') },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue()],
    define: { __APP_VERSION__: JSON.stringify(pkg.version) },
    build: { rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } } },
  },
});
