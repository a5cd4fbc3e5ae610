// ApiError: a failed contract call as the renderer sees it — the main side's message and the field at fault,
// plus the two failures only the renderer can see (lost connection, a response that broke the contract).
import type { ContractError } from '../../src-shared/contract';

export type ApiErrorCode = ContractError['code'] | 'disconnected' | 'bad-response';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** Dotted path of the offending request field, when the main side (or local validation) named one. */
  readonly field: string | null;
  readonly channel: string;

  constructor(channel: string, code: ApiErrorCode, message: string, field: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.channel = channel;
    this.code = code;
    this.field = field;
  }

  static fromContract(channel: string, error: ContractError): ApiError {
    return new ApiError(channel, error.code, error.message, error.field);
  }
}

/** The text to show for any thrown value; ApiErrors already carry the main side's wording. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
