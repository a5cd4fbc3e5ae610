// Lint rules, including the import boundaries between layers: eslint.layers.js holds who may import whom for every
// product folder (docs/architecture.md lists the same table); packages that bind a layer to a runtime are limited here.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint.layers.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/** Electron exists only in the app's main process and preload; everything else runs in plain Node or the browser. */
const NO_ELECTRON = [
  {
    name: 'electron',
    message:
      'Only src-main/app and src-main/preload may import Electron; the rest runs in plain Node (CLI, worker) or the browser.',
  },
  { group: ['electron/*'], message: 'Only src-main/app and src-main/preload may import Electron.' },
];
/** SQLite belongs to the store. */
const NO_SQLITE = {
  name: 'better-sqlite3',
  message: 'Only src-main/store opens the database; other layers go through it.',
};

const restrict = (...entries) => ({
  paths: entries.filter((e) => e.name),
  patterns: entries.filter((e) => e.group),
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      '.test-out/**',
      'dist/**',
      'e2e/artifacts/**',
      'bench/results/**',
      'test/fixtures/**',
      '.venv/**',
      'native/build/**',
      '**/__pycache__/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-shared/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    plugins: { espalier: layersPlugin(ROOT) },
    rules: { 'espalier/layers': 'error' },
  },
  {
    files: ['src-main/**/*.ts', 'src-shared/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    ignores: ['src-main/app/**', 'src-main/preload/**', 'src-main/store/**'],
    rules: { 'no-restricted-imports': ['error', restrict(...NO_ELECTRON, NO_SQLITE)] },
  },
  {
    files: ['src-main/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restrict(...NO_ELECTRON)] },
  },
);
