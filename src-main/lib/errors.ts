// Errors services raise on purpose; the dispatcher maps them to ContractError codes.
import { UserError } from '../engine/util/errors';

export { UserError };

export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} "${id}" does not exist (it may have been deleted)`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
