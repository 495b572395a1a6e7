import { AppError, type ErrorKind } from '../../shared/index.js';

/** The one place a kind becomes an HTTP status. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503, internal: 500,
};

export interface HttpError { status: number; body: unknown; headers?: Record<string, string> }

/**
 * GitLab's three error bodies (shared/spec/gitlab-api.md §1.2): `{message: string}` for
 * render_api_error! cases, `{message: {attr: [..]}}` for model validation, `{error: string}` for
 * parameter validation. AppError.details selects the second shape; code 'validation_failed'
 * without details is a parameter problem and uses the third.
 */
export function gitlabError(error: AppError): HttpError {
  const status = STATUS_OF_KIND[error.kind];
  if (error.details && (error.kind === 'invalid' || error.kind === 'conflict')) {
    return { status: 400, body: { message: error.details } };
  }
  switch (error.code) {
    case 'validation_failed': return { status, body: { error: error.message } };
    case 'token_missing': return { status, body: { message: '401 Unauthorized' } };
    case 'token_invalid': return { status, body: { message: '401 Unauthorized' } };
    case 'project_not_found': return { status, body: { message: '404 Project Not Found' } };
    case 'namespace_not_found': return { status, body: { message: '404 Namespace Not Found' } };
    case 'user_not_found': return { status, body: { message: '404 User Not Found' } };
    case 'not_found': return { status, body: { message: error.message.startsWith('404') ? error.message : '404 Not found' } };
    case 'scope_insufficient':
      return { status, body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: error.message } };
    case 'role_insufficient': case 'state_conflict':
      if (error.kind === 'forbidden') return { status, body: { message: error.message === '' ? '403 Forbidden' : `403 Forbidden - ${error.message}` } };
      return { status, body: { message: error.message } };
    case 'name_taken': return { status: 400, body: { message: error.message } };
    case 'shutting_down': return { status, body: { message: '503 Service Unavailable' } };
    default:
      if (status >= 500) return { status: 500, body: { message: '500 Internal Server Error' } };
      return { status, body: { message: error.message } };
  }
}

/** Buddy's error body: `{"errors":[{"message": …}]}`, one element per problem. */
export function buddyError(error: AppError): HttpError {
  const status = STATUS_OF_KIND[error.kind];
  if (status >= 500) return { status: 500, body: { errors: [{ message: 'Internal server error' }] } };
  const messages = error.details
    ? Object.entries(error.details).flatMap(([field, list]) => list.map((m) => `${field} ${m}`))
    : [error.message];
  return { status, body: { errors: messages.map((message) => ({ message })) } };
}
