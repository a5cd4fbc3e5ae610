// Types of eslint.layers.js (plain JavaScript, because eslint.config.js loads it) for the tests that read the table.
export interface LayerRule {
  /** The layer's folder, relative to the repository root. */
  dir: string;
  /** Layers (or `layer/module` entries) its files may import besides their own. */
  may: readonly string[];
}
export declare const LAYERS: Readonly<
  Record<
    | 'src-shared'
    | 'common'
    | 'engine'
    | 'demo'
    | 'study'
    | 'store'
    | 'lib'
    | 'worker'
    | 'services'
    | 'ipc'
    | 'host'
    | 'app'
    | 'preload'
    | 'cli'
    | 'renderer',
    LayerRule
  >
>;
export declare const SUPPORT_DIRS: readonly string[];
export declare function layerOf(rel: string): keyof typeof LAYERS | undefined;
export declare function mayImport(
  from: keyof typeof LAYERS,
  to: keyof typeof LAYERS,
  rel: string,
  isTest: boolean,
): boolean;
export declare function layersPlugin(root: string): unknown;
