// Lint rules, including the import boundaries of DESIGN.md (the engine stays pure).
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

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'e2e/artifacts/**', 'bench/results/**', 'test/fixtures/**'] },
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
    files: ['src-main/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', ENGINE_FORBIDDEN_IMPORTS] },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through src-renderer/api.' }],
          patterns: [{ group: ['**/src-main/**'], message: 'The renderer may import only src-shared and its own folders.' }],
        },
      ],
    },
  },
);
