// Loading the optional backend packages: whether one is installed, importing one by a variable specifier, and the
// first line of a failure for the backend report. Shared by backend.ts and backend-wasm.ts.
import { createRequire } from 'node:module';

export function isInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .slice(0, 300);
}

/** Loads an optional package by a variable specifier (bundlers and the type checker leave it alone); null if absent. */
export async function importOptional<T>(pkg: string): Promise<T | null> {
  if (!isInstalled(pkg)) return null;
  const specifier: string = pkg;
  return (await import(specifier)) as T;
}
