// Debian's Chromium driven by playwright-core, kept off the network: launch flags that stop its background
// traffic, a fresh profile, and a route that aborts every request not to 127.0.0.1 (each one is a failure).
// A Watcher collects console errors, page errors, failed requests and HTTP errors for the runner to fail on.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['E2E_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

/** Hosts the app may talk to: the serve host (and, in Electron, the bundled files). */
export function isLocal(rawUrl: string): boolean {
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'file:' || u.protocol === 'about:')
    return true;
  return u.hostname === '127.0.0.1';
}

export class Watcher {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  /** Request failures expected while the page is being reloaded on purpose. */
  private reloading = false;
  private reported = 0;

  attach(context: BrowserContext): void {
    context
      .route('**/*', (route) => {
        const url = route.request().url();
        if (isLocal(url)) return route.continue();
        this.problems.push(`blocked a request off 127.0.0.1: ${route.request().method()} ${url}`);
        return route.abort('blockedbyclient');
      })
      .catch((err: unknown) =>
        this.warnings.push(`could not route requests (${String(err)}); off-host requests are only reported`),
      );
    for (const p of context.pages()) this.attachPage(p);
    context.on('page', (p) => this.attachPage(p));
  }

  attachPage(page: Page): void {
    page.on('console', (msg) => {
      const where = msg.location()?.url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
      if (msg.type() === 'error') this.problems.push(`console error: ${msg.text()}${where}`);
      else if (msg.type() === 'warning') this.warnings.push(`console warning: ${msg.text()}${where}`);
    });
    page.on('pageerror', (err) => this.problems.push(`uncaught exception in the page: ${err.message}`));
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText ?? 'failed';
      if (why.includes('ERR_BLOCKED_BY_CLIENT')) return; // already reported by the route
      if (this.reloading && why.includes('ERR_ABORTED')) return;
      this.problems.push(`request failed: ${req.method()} ${req.url()}: ${why}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) this.problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
    });
    page.on('websocket', (ws) => {
      if (!isLocal(ws.url().replace(/^ws/, 'http'))) this.problems.push(`WebSocket off 127.0.0.1: ${ws.url()}`);
    });
  }

  /** Runs `fn` (a page reload) while aborted in-flight requests are expected. */
  async duringReload<T>(fn: () => Promise<T>): Promise<T> {
    this.reloading = true;
    try {
      return await fn();
    } finally {
      this.reloading = false;
    }
  }

  /** Throws when anything went wrong since the last check (each problem is reported once). */
  check(): void {
    const fresh = this.problems.slice(this.reported);
    this.reported = this.problems.length;
    if (fresh.length > 0)
      throw new Error(`the page reported ${fresh.length} problem(s):\n${fresh.map((p) => `  ${p}`).join('\n')}`);
  }
}

export async function launchChromium(
  watcher: Watcher,
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium), or set E2E_CHROMIUM`,
    );
  // A fresh profile every run; launchPersistentContext is how Playwright takes --user-data-dir.
  const profile = mkdtempSync(join(tmpdir(), 'espalier-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
    acceptDownloads: false,
  });
  context.setDefaultTimeout(20_000);
  watcher.attach(context);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close() };
}
