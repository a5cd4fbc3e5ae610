// Who may import whom, for every product folder: the one table that ESLint enforces (rule `espalier/layers` in
// eslint.config.js) and that docs/architecture.md lists (test/architecture.test.ts checks they agree).
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Each layer's folder and the layers its files may import besides their own. An entry `layer/path` allows only that
 * module of the layer (e.g. services may use the worker's protocol and job schemas, not its job handlers).
 */
export const LAYERS = {
  'src-shared': { dir: 'src-shared', may: [] },
  common: { dir: 'src-main/common', may: [] },
  engine: { dir: 'src-main/engine', may: ['common'] },
  lab: { dir: 'src-main/lab', may: ['engine', 'common'] },
  demo: { dir: 'src-main/demo', may: ['lab', 'engine', 'common'] },
  study: { dir: 'src-main/study', may: ['lab', 'engine', 'common', 'src-shared'] },
  store: { dir: 'src-main/store', may: ['common', 'src-shared'] },
  lib: { dir: 'src-main/lib', may: ['engine', 'store', 'common', 'src-shared'] },
  worker: { dir: 'src-main/worker', may: ['engine', 'lib', 'store', 'lab', 'demo', 'study', 'common', 'src-shared'] },
  services: {
    dir: 'src-main/services',
    may: [
      'engine',
      'lib',
      'store',
      'lab',
      'demo',
      'study',
      'worker/protocol',
      'worker/job-types',
      'common',
      'src-shared',
    ],
  },
  ipc: { dir: 'src-main/ipc', may: ['services', 'common', 'src-shared'] },
  host: { dir: 'src-main/host', may: ['services', 'common', 'src-shared'] },
  app: { dir: 'src-main/app', may: ['ipc', 'services', 'worker/protocol', 'common', 'src-shared'] },
  preload: { dir: 'src-main/preload', may: ['src-shared'] },
  cli: {
    dir: 'src-main/cli',
    may: ['engine', 'lab', 'demo', 'study', 'store', 'lib', 'services', 'host', 'common', 'src-shared'],
  },
  renderer: { dir: 'src-renderer', may: ['src-shared'] },
};

/** Folders that are not product code: product files never import them; tests beside the code may. */
export const SUPPORT_DIRS = ['test', 'bench', 'e2e', 'scripts'];

/** Tests beside the code may also import these layers: the generated world is test input (test/helpers/fixtures). */
const TEST_EXTRA = ['lab'];

const norm = (p) => p.split(sep).join('/');

/** The layer a path (relative to the repository root, `/`-separated) belongs to, or undefined. */
export function layerOf(rel) {
  for (const [name, { dir }] of Object.entries(LAYERS)) if (rel === dir || rel.startsWith(`${dir}/`)) return name;
  return undefined;
}

/** Whether a file of layer `from` may import the module at `rel` (of layer `to`). */
export function mayImport(from, to, rel, isTest) {
  if (from === to) return true;
  const allowed = isTest ? [...LAYERS[from].may, ...TEST_EXTRA] : LAYERS[from].may;
  const inLayer = rel.slice(LAYERS[to].dir.length + 1).replace(/\.(ts|js|mjs|vue)$/, '');
  return allowed.some((a) => a === to || a === `${to}/${inLayer}`);
}

/** The ESLint plugin: relative imports resolved against the file and checked against LAYERS. */
export function layersPlugin(root) {
  return {
    rules: {
      layers: {
        meta: {
          type: 'problem',
          schema: [],
          docs: { description: 'import only the layers docs/architecture.md allows' },
        },
        create(context) {
          const file = norm(relative(root, context.filename));
          const from = layerOf(file);
          if (!from) return {};
          const isTest = /\.test\.ts$/.test(file);
          const check = (node) => {
            const source = node.source;
            if (
              !source ||
              source.type !== 'Literal' ||
              typeof source.value !== 'string' ||
              !source.value.startsWith('.')
            )
              return;
            const rel = norm(relative(root, resolve(dirname(context.filename), source.value.split('?')[0])));
            const top = rel.split('/')[0];
            if (SUPPORT_DIRS.includes(top)) {
              if (!isTest)
                context.report({
                  node: source,
                  message: `Product code must not import ${top}/ (test support and tools stay out of the product).`,
                });
              return;
            }
            const to = layerOf(rel);
            if (!to || mayImport(from, to, rel, isTest)) return;
            const allowed = LAYERS[from].may.join(', ') || 'nothing else';
            context.report({
              node: source,
              message: `${from} must not import ${to} (${rel}); ${from} may import ${allowed} (docs/architecture.md).`,
            });
          };
          return {
            ImportDeclaration: check,
            ExportNamedDeclaration: check,
            ExportAllDeclaration: check,
            ImportExpression: check,
          };
        },
      },
    },
  };
}
