/**
 * Conditional requests (RFC 9110 §13): `If-Match` and `If-None-Match` with entity tags, so that
 * two people editing the same resource cannot overwrite each other's work unknowingly. The route
 * reads the headers with `preconditions` (a malformed one is a 400 naming it); the service
 * compares them with the stored representation's tag in the same transaction as its write and
 * refuses with a 412 when they no longer hold.
 *
 * Tags are strong and quoted (`"3f5a…"`). If-Match compares strongly (a weak `W/"…"` tag never
 * matches); If-None-Match compares weakly; `*` stands for "any current representation".
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { text } from '../services/errors';
import { badRequest } from './errors';

/** `*`, or the listed entity tags as sent (quotes and any `W/` kept). */
export type TagList = '*' | string[];

export interface Preconditions {
  ifMatch?: TagList;
  ifNoneMatch?: TagList;
}

declare module 'express-serve-static-core' {
  interface Request {
    preconditions?: Preconditions;
  }
}

/** The strong tag of a text representation: its SHA-256, quoted. */
export const strongTag = (body: string): string => `"${crypto.createHash('sha256').update(body, 'utf8').digest('hex')}"`;

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text
const ENTITY_TAG = /[\t ]*((?:W\/)?"[\x21\x23-\x7e\x80-\xff]*")[\t ]*(,|$)/y;

/** Parses an If-Match / If-None-Match value; null when it is not `*` or a list of entity tags. */
export function parseTagList(value: string): TagList | null {
  if (value.trim() === '*') return '*';
  const tags: string[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < value.length) {
    const m = ENTITY_TAG.exec(value);
    if (!m) return null;
    tags.push(m[1]);
    if (m[2] === '') break;
  }
  return tags.length && ENTITY_TAG.lastIndex === value.length ? tags : null;
}

const opaque = (tag: string) => tag.replace(/^W\//, '');

/** Does If-Match hold for the current tag (null: there is no current representation)? */
export function ifMatchHolds(list: TagList, current: string | null): boolean {
  if (current === null) return false;
  return list === '*' || list.some((t) => !t.startsWith('W/') && t === current);
}

/** Does If-None-Match hold for the current tag (null: there is no current representation)? */
export function ifNoneMatchHolds(list: TagList, current: string | null): boolean {
  if (current === null) return true;
  return list !== '*' && !list.some((t) => opaque(t) === current);
}

function header(req: Request, name: 'If-Match' | 'If-None-Match'): TagList | undefined {
  const value = req.get(name);
  if (value === undefined) return undefined;
  const list = parseTagList(value);
  if (!list) throw badRequest(`header.${name}`, text(`${name} 须为 * 或带引号的 ETag（如 "3f5a…"），多个以逗号分隔`, `${name} must be * or quoted entity tags ("3f5a…"), separated by commas`));
  return list;
}

/** Reads If-Match and If-None-Match into `req.preconditions` (a malformed value is a 400 naming the header). */
export const preconditions: RequestHandler = (req, _res, next) => {
  const ifMatch = header(req, 'If-Match');
  const ifNoneMatch = header(req, 'If-None-Match');
  req.preconditions = { ...(ifMatch ? { ifMatch } : {}), ...(ifNoneMatch ? { ifNoneMatch } : {}) };
  next();
};
