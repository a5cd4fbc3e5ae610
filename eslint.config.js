// Lint rules, including the import boundaries of DESIGN.md (docs/architecture.md draws them): the engine stays
// pure, the worker never reaches into services, the store never into the engine, the renderer never into main.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What `src-main/engine/**` must never import: it runs in plain Node, the CLI and workers. */
export const ENGINE_FORBIDDEN_IMPORTS = {
  paths: [
    { name: 'electron', message: 'The engine must stay pure: no Electron (DESIGN.md, "Who may import whom").' },
    { name: 'better-sqlite3', message: 'The engine must not touch the database; services do.' },
  ],
  patterns: [
    { group: ['electron/*'], message: 'The engine must stay pure: no Electron.' },
    { group: ['**/store', '**/store/*', '**/store/**'], message: 'The engine must not import the store; services orchestrate engine + store.' },
    { group: ['**/services', '**/services/*', '**/services/**'], message: 'The engine must not import services.' },
    { group: ['**/src-renderer/**', '**/src-renderer'], message: 'The engine must not import the renderer.' },
    { group: ['**/ipc/**', '**/host/**', '**/app/**'], message: 'The engine must not import the app layers.' },
  ],
};

/** Product code never imports test support or test oracles (they live under test/). */
const NO_TEST_SUPPORT = { group: ['**/test/**'], message: 'Product code must not import test support (test/).' };

/** What `src-main/worker/**` must never import: services run in main and start the worker, not the other way. */
export const WORKER_FORBIDDEN_IMPORTS = {
  paths: [{ name: 'electron', message: 'The worker is a plain Node process: no Electron.' }],
  patterns: [
    { group: ['**/services', '**/services/*', '**/services/**'], message: 'The worker must not import services (they import the worker); shared code goes to src-main/lib.' },
    { group: ['**/ipc/**', '**/host/**', '**/app/**', '**/src-renderer/**'], message: 'The worker must not import the app layers.' },
    NO_TEST_SUPPORT,
  ],
};

/** What `src-main/store/**` must never import: it keeps rows and files, knowing nothing of models or jobs. */
export const STORE_FORBIDDEN_IMPORTS = {
  paths: [{ name: 'electron', message: 'The store must not import Electron.' }],
  patterns: [
    { group: ['**/engine', '**/engine/*', '**/engine/**'], message: 'The store must not import the engine; shared helpers live in src-main/common.' },
    { group: ['**/services', '**/services/**', '**/worker/**', '**/lib/**'], message: 'The store must not import services, the worker or lib (they import the store).' },
    { group: ['**/src-renderer/**', '**/ipc/**', '**/host/**', '**/app/**'], message: 'The store must not import the app layers.' },
    NO_TEST_SUPPORT,
  ],
};

/** What `src-renderer/**` must never import: it talks to main only through src-renderer/api and the contract. */
export const RENDERER_FORBIDDEN_IMPORTS = {
  paths: [{ name: 'electron', message: 'The renderer talks to main only through src-renderer/api.' }],
  patterns: [{ group: ['**/src-main/**', '**/src-main'], message: 'The renderer may import only src-shared and its own folders.' }],
};

/** What `src-main/study/**` must never import: like the demo, a client of the engine that the CLI and worker call. */
export const STUDY_FORBIDDEN_IMPORTS = {
  paths: [{ name: 'electron', message: 'Studies run in plain Node (the CLI, the worker): no Electron.' }],
  patterns: [
    { group: ['**/store', '**/store/**', '**/services', '**/services/**', '**/worker', '**/worker/**', '**/cli/**'], message: 'Studies use the engine and the demo only; the worker, services and CLI call them, not the other way.' },
    { group: ['**/src-renderer/**', '**/ipc/**', '**/host/**', '**/app/**'], message: 'Studies must not import the app layers.' },
    NO_TEST_SUPPORT,
  ],
};

const withTestBan = (rules) => ({ ...rules, patterns: [...rules.patterns, NO_TEST_SUPPORT] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', '.test-out/**', 'dist/**', 'e2e/artifacts/**', 'bench/results/**', 'test/fixtures/**', '.venv/**', 'native/build/**', '**/__pycache__/**'] },
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
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TEST_SUPPORT] }] },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    ignores: ['src-main/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', withTestBan(ENGINE_FORBIDDEN_IMPORTS)] },
  },
  {
    files: ['src-main/engine/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', ENGINE_FORBIDDEN_IMPORTS] },
  },
  {
    files: ['src-main/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', WORKER_FORBIDDEN_IMPORTS] },
  },
  {
    files: ['src-main/study/**/*.ts'],
    ignores: ['src-main/study/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', STUDY_FORBIDDEN_IMPORTS] },
  },
  {
    files: ['src-main/store/**/*.ts'],
    ignores: ['src-main/store/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', STORE_FORBIDDEN_IMPORTS] },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: { 'no-restricted-imports': ['error', RENDERER_FORBIDDEN_IMPORTS] },
  },
);
