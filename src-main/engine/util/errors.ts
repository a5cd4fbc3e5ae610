// Errors a user can cause and fix: the CLI prints their message as one line and exits non-zero.

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
