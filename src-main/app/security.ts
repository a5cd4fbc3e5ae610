// Electron hardening in one place: window preferences, the CSP, permission denial, and navigation guards for
// every WebContents (pure functions where possible: Electron itself cannot run in the tests).
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, Session } from 'electron';

/** Only the bundled renderer may run: no remote scripts, no inline scripts, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function hardenedWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** Adds the CSP header to every response the renderer receives, and denies every permission request and check. */
export function installCsp(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  // No permission (camera, notifications, clipboard, …) is ever needed: requests and synchronous checks both say no.
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
}

export function denyPermissionRequest(_wc: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

export function denyPermissionCheck(): boolean {
  return false;
}

/** The app's entry as a URL: the dev server's URL, or the bundled index.html as a file:// URL. */
export function appEntryUrl(devUrl: string | undefined, indexHtml: string): string {
  return devUrl ? new URL(devUrl).href : pathToFileURL(indexHtml).href;
}

/**
 * Navigation may only (re)load the exact app entry: same scheme, host, port and path, any query or #fragment
 * (the renderer routes by hash). Not another file under file://, not another page on the dev server.
 */
export function isAllowedNavigation(url: string, entry: string): boolean {
  let u: URL;
  let e: URL;
  try {
    u = new URL(url);
    e = new URL(entry);
  } catch {
    return false;
  }
  return (
    u.protocol === e.protocol &&
    u.host === e.host &&
    u.pathname === e.pathname &&
    u.username === '' &&
    u.password === ''
  );
}

/** The part of WebContents the guard uses (a structural type, so it is testable without Electron). */
export interface GuardableContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Blocks navigation and redirects away from the entry, every window.open, and every <webview>. */
export function guardContents(contents: GuardableContents, entry: string): void {
  const block = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url, entry)) event.preventDefault();
  };
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
