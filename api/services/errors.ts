/**
 * The errors services throw, in domain terms: what kind of refusal it is, a stable code for
 * clients, the message in both languages and the name of the offending input as the service
 * knows it (`location.lat`, `id`, `membershipId`, `caller`). Services never speak HTTP: the API
 * maps a kind to its status and an input to the request's field (../http/domain-errors.ts).
 */

/** A message in both of the users' languages. */
export interface LocalText {
  'zh-CN': string;
  en: string;
}
export type Text = string | LocalText;
export const text = (zh: string, en: string): LocalText => ({ 'zh-CN': zh, en });

/**
 * What went wrong, as the domain sees it:
 * - `malformed`: an input that cannot be read as given (a bad cursor, an impossible date range);
 * - `invalid`: a readable input that breaks a rule (a point outside every grid, an unknown category);
 * - `unauthenticated`: no caller, or one whose credentials do not hold;
 * - `refused`: a known caller who may not do this;
 * - `not-found`: nothing of that name, or nothing the caller may see;
 * - `conflict`: the state of things does not allow it (the task has ended, the name is taken);
 * - `stale`: the caller's copy is out of date (someone else saved in between);
 * - `throttled`: too many attempts, try again later;
 * - `unavailable`: something the service depends on is down.
 */
export type ErrorKind = 'malformed' | 'invalid' | 'unauthenticated' | 'refused' | 'not-found' | 'conflict' | 'stale' | 'throttled' | 'unavailable';

/**
 * Names of what the caller is, rather than what the caller sent: `caller` (the credentials that
 * name the caller; a role refusal names it too) and `caller.address` (where the caller calls from).
 */
export const CALLER = 'caller';
export const CALLER_ADDRESS = 'caller.address';

/** The input as a whole (the report, the search's filters) rather than one of its fields. */
export const WHOLE_INPUT = '';
/** The name of `name` inside the input `at` (`memberships.0` and `role` → `memberships.0.role`). */
export const inputIn = (at: string, name: string): string => (at === WHOLE_INPUT ? name : `${at}.${name}`);

/** One offending input of many (every problem of a boundary, every bad attribute of a form). */
export interface InputIssue {
  input: string;
  message: Text;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** the offending input in domain terms: "location.lat", "id", "caller" …; none when it is the whole request */
    readonly input: string | undefined,
    readonly text: Text,
    /** a stable code for clients (TASK_CLAIMED, OUTSIDE_GRIDS …) */
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
    /** every offending input, when there are several (the first one is `input`) */
    readonly issues: InputIssue[] = [],
  ) {
    super(typeof text === 'string' ? text : text.en);
    this.name = 'DomainError';
  }
}

type Extra = Record<string, unknown>;

export const malformed = (input: string, message: Text, code = 'BAD_INPUT') => new DomainError('malformed', input, message, code);
export const invalid = (input: string, message: Text, code = 'INVALID', extra: Extra = {}) => new DomainError('invalid', input, message, code, extra);
export const notFound = (input: string, message: Text) => new DomainError('not-found', input, message, 'NOT_FOUND');
/** A refusal of something known; `input` names what is refused (a role refusal: CALLER). */
export const refused = (input: string, message: Text, code = 'FORBIDDEN', extra: Extra = {}) => new DomainError('refused', input, message, code, extra);
export const conflict = (input: string | undefined, message: Text, code = 'CONFLICT', extra: Extra = {}) => new DomainError('conflict', input, message, code, extra);
/** The caller's copy no longer holds: someone else changed the thing since the caller read it. */
export const stale = (input: string, message: Text, code = 'STALE') => new DomainError('stale', input, message, code);
export const unauthenticated = (message: Text) => new DomainError('unauthenticated', CALLER, message, 'UNAUTHENTICATED');
export const throttled = (input: string, message: Text, code: string, retryAfterSeconds: number, extra: Extra = {}) => new DomainError('throttled', input, message, code, { retryAfter: retryAfterSeconds, ...extra });
export const unavailable = (input: string, message: Text) => new DomainError('unavailable', input, message, 'UNAVAILABLE');
