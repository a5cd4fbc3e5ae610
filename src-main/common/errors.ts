// Errors a user can cause and fix: the CLI prints their message as one line and exits non-zero; the dispatcher
// maps them to ContractError codes. Every layer (engine included) may import this folder; it imports nothing.

/** A problem with the user's input or environment (bad file, missing font, incompatible models). */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Formats "file:line: problem" consistently for every loader. */
export function atLine(file: string, line: number, problem: string): UserError {
  return new UserError(`${file}:${line}: ${problem}`);
}

/** A record the user named is not there (the dispatcher answers 'not-found'). */
export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} "${id}" does not exist (it may have been deleted)`);
    this.name = 'NotFoundError';
  }
}

/** The request clashes with the workspace's state (a running job, a name in use). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * Why JSON text did not parse, without quoting it: V8's message may quote the text, and a file that is really a
 * link to someone's secrets (/proc/self/environ) must not travel back in an error. One line.
 */
export function jsonProblem(err: unknown, text: string): string {
  if (text.trim() === '') return 'it is empty';
  const message = err instanceof Error ? err.message : String(err);
  // Everything from the first quote on is (or may be) the file's own text.
  const own = message
    .split('"')[0]!
    .replace(/\s+/g, ' ')
    .replace(/[,\s]+$/, '')
    .slice(0, 160);
  return own || 'not JSON';
}
