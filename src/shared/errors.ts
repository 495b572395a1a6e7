/**
 * The error catalogue. Every failure that crosses a module boundary is an AppError with a stable
 * `code` (what went wrong, for logs, tests and clients) and a `kind` (how a caller should react).
 * Only server/http turns a kind into an HTTP status and a GitLab or Buddy body; nothing below it
 * knows about status codes.
 *
 * A failed build is not an error: it is an outcome stored on the run. AppErrors are for requests
 * that cannot be served and for infrastructure faults.
 */
export type ErrorKind =
  | 'invalid' // the caller sent something malformed or out of range
  | 'unauthenticated' // no credentials, or credentials that do not identify anyone
  | 'forbidden' // identified, but not allowed (scope or role)
  | 'not_found' // no such thing, or not visible to the caller
  | 'conflict' // the thing exists already or is in a state that forbids the action
  | 'unavailable' // a dependency is down or the server is shutting down
  | 'internal'; // a bug or an unexpected fault

export const ERROR_CODES = {
  config_invalid: 'invalid',
  validation_failed: 'invalid',
  token_missing: 'unauthenticated',
  token_invalid: 'unauthenticated',
  scope_insufficient: 'forbidden',
  role_insufficient: 'forbidden',
  project_not_found: 'not_found',
  namespace_not_found: 'not_found',
  user_not_found: 'not_found',
  not_found: 'not_found',
  name_taken: 'conflict',
  state_conflict: 'conflict',
  shutting_down: 'unavailable',
  storage_failed: 'internal',
  git_failed: 'internal',
  internal: 'internal',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** Field name → problems, for validation errors that list every problem at once. */
  readonly details: Record<string, string[]> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, string[]> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = ERROR_CODES[code];
    this.details = options.details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Wraps an unknown failure with a short verb-first context, keeping AppErrors as they are. */
export function wrapError(context: string, cause: unknown, code: ErrorCode = 'internal'): AppError {
  if (cause instanceof AppError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError(code, `${context}: ${reason}`, { cause });
}
