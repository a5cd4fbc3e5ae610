// Type shims for the renderer build, and the bridge the Electron preload exposes.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare const __APP_VERSION__: string;

interface Window {
  /** Present only in Electron (src-main/preload); browser mode speaks the same contract over a WebSocket. */
  espalier?: {
    invoke(channel: string, payload: unknown): Promise<unknown>;
    onEvent(listener: (channel: string, payload: unknown) => void): () => void;
  };
}
