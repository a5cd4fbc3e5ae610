// Test-only helpers for the store: a temp workspace, a fake clock, and a small catalog to work on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Workspace } from './workspace';

export function tempDir(prefix = 'espalier-store-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock that ticks 1 ms per reading, so creation order is total and deterministic. */
export function fakeClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}

/** A fresh workspace (temp folder, fake clock) for each test, handed to `use`; closed and removed after it. */
export function useTempWorkspace(use: (ws: Workspace) => void): void {
  let tmp: ReturnType<typeof tempDir>;
  let ws: Workspace;
  beforeEach(() => {
    tmp = tempDir();
    ws = Workspace.open(tmp.dir, { now: fakeClock() });
    use(ws);
  });
  afterEach(() => {
    ws.close();
    tmp.cleanup();
  });
}

export const SHA_A = 'a'.repeat(64);
export const SHA_B = 'b'.repeat(64);
export const TOK_ID = '1'.repeat(64);
export const SUB_ID = '2'.repeat(64);

/** A project with a tokenizer and a substrate registered, ready for models. */
export function seed(ws: Workspace, name = 'lab') {
  const project = ws.projects.create({ name });
  const tokenizer = ws.tokenizers.register({
    id: TOK_ID,
    name: 'bvv-mini',
    kind: 'unicode-ngram',
    vocabSize: 1000,
    file: `tokenizers/${TOK_ID}.json`,
  });
  const substrate = ws.substrates.register({
    id: SUB_ID,
    tokenizerId: TOK_ID,
    name: 'glyph-32',
    kind: 'glyph',
    dim: 64,
    file: `substrates/${SUB_ID}.safetensors`,
  });
  return { project, tokenizer, substrate };
}
