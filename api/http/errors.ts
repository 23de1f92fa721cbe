/**
 * Domain errors thrown by services; `problem.ts` maps them (and Prisma's and Temporal's errors) to
 * application/problem+json. Services never speak HTTP.
 */
/** A message in both of the users' languages. */
export interface LocalText {
  'zh-CN': string;
  en: string;
}
export type Text = string | LocalText;
export const text = (zh: string, en: string): LocalText => ({ 'zh-CN': zh, en });

export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503,
    /** the offending input: "body.location.lat", "path.id", "header.Idempotency-Key" … */
    readonly field: string | undefined,
    readonly text: Text,
    /** a stable code for clients (TASK_CLAIMED, OUTSIDE_GRIDS …) */
    readonly code?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(typeof text === 'string' ? text : text.en);
    this.name = 'DomainError';
  }
}

export const badRequest = (field: string, message: Text, code = 'BAD_INPUT') => new DomainError(400, field, message, code);
export const unprocessable = (field: string, message: Text, code = 'INVALID', extra: Record<string, unknown> = {}) => new DomainError(422, field, message, code, extra);
export const notFound = (field: string, message: Text) => new DomainError(404, field, message, 'NOT_FOUND');
/** A refusal of something known; `field` names what is refused (a role refusal: header.Authorization, whose token names the caller). */
export const forbidden = (message: Text, field: string, code = 'FORBIDDEN', extra: Record<string, unknown> = {}) => new DomainError(403, field, message, code, extra);
export const conflict = (field: string | undefined, message: Text, code = 'CONFLICT', extra: Record<string, unknown> = {}) => new DomainError(409, field, message, code, extra);
/** A conditional request (If-Match, If-None-Match) whose condition no longer holds: someone else changed the resource. */
export const preconditionFailed = (field: string, message: Text, code = 'PRECONDITION_FAILED') => new DomainError(412, field, message, code);
export const unauthorized = (message: Text) => new DomainError(401, 'header.Authorization', message, 'UNAUTHENTICATED');
export const unavailable = (field: string, message: Text) => new DomainError(503, field, message, 'UNAVAILABLE');
