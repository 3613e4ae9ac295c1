import type { ConfigIssue } from '../../config/errors.js';
import type { ApiShape } from '../store/bots.js';

/** An error answer: the status and what went wrong, shaped by each API's own conventions (`errorBody`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Per-field reasons (400): each names the field path. */
    readonly fields: readonly ConfigIssue[] = [],
  ) {
    super(message);
  }
}

export const notFound = (api: ApiShape) => new ApiError(404, api === 'attendee' ? 'Bot not found' : 'Not found.');

/** Which API a request path belongs to: the error shape follows it (Attendee's `/bots`, Recall's `/bot/`). */
export function apiOfPath(url: string): ApiShape {
  return /^\/api\/v1\/bots(\/|\?|$)/.test(url) ? 'attendee' : 'recall';
}

/**
 * Recall and Attendee are both Django REST Framework services: validation errors are `{"<field>": ["reason"]}`
 * (bot-api.md section 10). Other errors are `{"detail": ...}` in Recall's and `{"error": ...}` in Attendee's.
 */
export function errorBody(api: ApiShape, err: ApiError): Record<string, unknown> {
  if (err.fields.length > 0) {
    // No prototype: a field may be called `toString` or `__proto__` (the hostile-body corpus has both).
    const byField = Object.create(null) as Record<string, string[]>;
    for (const f of err.fields) (byField[f.path === '(body)' ? 'non_field_errors' : f.path] ??= []).push(f.message);
    return byField;
  }
  return api === 'attendee' ? { error: err.message } : { detail: err.message };
}
