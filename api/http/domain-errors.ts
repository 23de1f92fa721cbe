/**
 * How a domain error (../services/errors.ts) reads over HTTP: its kind gives the status, and its
 * input becomes the problem's `field`, prefixed by where the route carries that input: a path
 * parameter of the route → `path.`, a parameter of its query schema → `query.`, what names the
 * caller → a header (or `client.address`), anything else → `body.`; the input as a whole is the
 * query of a route that takes only a query, else the body. `validate` records the route's path
 * and query parameters; a route may also place an input itself (`placeInputs`).
 */
import type { Request, RequestHandler } from 'express';
import { CALLER, CALLER_ADDRESS, WHOLE_INPUT, type DomainError, type ErrorKind } from '../services/errors';

export const STATUS_OF_KIND = {
  malformed: 400,
  unauthenticated: 401,
  refused: 403,
  'not-found': 404,
  conflict: 409,
  stale: 412,
  invalid: 422,
  throttled: 429,
  unavailable: 503,
} as const satisfies Record<ErrorKind, number>;

/** Inputs the request carries outside path, query and body, whatever the route. */
const OUTSIDE_THE_BODY: Record<string, string> = {
  [CALLER]: 'header.Authorization',
  [CALLER_ADDRESS]: 'client.address',
  // the conditions of a conditional write (../http/conditional.ts)
  ifMatch: 'header.If-Match',
  ifNoneMatch: 'header.If-None-Match',
};

/** Where one request carries its named inputs, as its route declares them. */
export interface InputPlaces {
  /** the route's path parameters (`/cases/:id` → id) */
  path: readonly string[];
  /** the parameters of the route's query schema */
  query: readonly string[];
  /** the part that carries the input as a whole */
  whole: 'body' | 'query';
  /** inputs the route places itself, by their whole field: a whole part (`filters` → "query"), or a field of another name (`location` → "lat") */
  placed: Readonly<Record<string, string>>;
}

const NOWHERE: InputPlaces = { path: [], query: [], whole: 'body', placed: {} };

/** The problem's `field` for a domain input; none for none. */
export function fieldOf(input: string | undefined, places: InputPlaces): string | undefined {
  if (input === undefined) return undefined;
  if (Object.hasOwn(places.placed, input)) return places.placed[input];
  if (input === WHOLE_INPUT) return places.whole;
  if (Object.hasOwn(OUTSIDE_THE_BODY, input)) return OUTSIDE_THE_BODY[input];
  const head = input.split('.')[0];
  if (places.path.includes(head)) return `path.${input}`;
  if (places.query.includes(head)) return `query.${input}`;
  return `body.${input}`;
}

const declared = new WeakMap<Request, InputPlaces>();

/** Adds to what the request's route declares about its inputs (later declarations win). */
export function declareInputs(req: Request, more: Partial<InputPlaces>): void {
  const now = declared.get(req) ?? NOWHERE;
  declared.set(req, {
    path: [...now.path, ...(more.path ?? [])],
    query: [...now.query, ...(more.query ?? [])],
    whole: more.whole ?? now.whole,
    placed: { ...now.placed, ...more.placed },
  });
}

export const inputPlacesOf = (req: Request): InputPlaces => declared.get(req) ?? NOWHERE;

/** Middleware: the route places these inputs itself (`{ filters: 'query' }`, `{ category: 'service_code' }`). */
export const placeInputs =
  (placed: Record<string, string>): RequestHandler =>
  (req, _res, next) => {
    declareInputs(req, { placed });
    next();
  };

export interface MappedError {
  status: (typeof STATUS_OF_KIND)[ErrorKind];
  field?: string;
  /** every offending input as a field, when the error names several */
  errors?: { field: string; message: DomainError['issues'][number]['message'] }[];
}

/** The status and fields of a domain error, for the request whose route threw it. */
export function mapDomainError(e: DomainError, places: InputPlaces): MappedError {
  const field = fieldOf(e.input, places);
  return {
    status: STATUS_OF_KIND[e.kind],
    ...(field ? { field } : {}),
    ...(e.issues.length ? { errors: e.issues.map((i) => ({ field: fieldOf(i.input, places) ?? '', message: i.message })) } : {}),
  };
}
