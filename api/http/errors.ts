/**
 * Errors of the HTTP layer itself (uploads, Idempotency-Key, conditional requests, cursors, rate
 * limits, request bodies), which name their status and field directly; `../problem.ts` answers
 * them as application/problem+json. Services throw domain errors instead (../services/errors.ts).
 */
import type { Text } from '../services/errors';

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    /** the offending input: "body.photos[0]", "query.cursor", "header.Idempotency-Key" … */
    readonly field: string,
    readonly text: Text,
    /** a stable code for clients (BAD_UPLOAD, IDEMPOTENCY_KEY_REUSED …) */
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(typeof text === 'string' ? text : text.en);
    this.name = 'HttpError';
  }
}

export const badRequest = (field: string, message: Text, code = 'BAD_INPUT') => new HttpError(400, field, message, code);
export const unprocessable = (field: string, message: Text, code = 'INVALID') => new HttpError(422, field, message, code);
export const conflict = (field: string, message: Text, code = 'CONFLICT') => new HttpError(409, field, message, code);
