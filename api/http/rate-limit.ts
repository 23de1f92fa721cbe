/**
 * Rate limiting of the public, unauthenticated writes (Open311 POST requests, citizen ratings):
 * a sliding window of one minute, counted per key (the client address, the api_key, the case …).
 *
 * The window lives in this API process's memory: each instance behind the load balancer counts
 * on its own, so a client spread over N instances gets up to N times the limit. That is enough
 * to stop a runaway app or a script from flooding the intake; a shared limit would need a shared
 * store (the database or Redis). A request is counted only when every one of its keys is under
 * the limit, so a refused request does not extend the wait.
 */
import type { Request, RequestHandler } from 'express';
import { text } from '../services/errors';
import { HttpError } from './errors';

export const WINDOW_MS = 60_000;
/** above this many keys, forget the ones whose window has emptied */
const SWEEP_AT = 10_000;

export class SlidingWindow {
  private hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs = WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string, t: number): number[] {
    const list = this.hits.get(key);
    if (!list) return [];
    while (list.length && list[0] <= t - this.windowMs) list.shift();
    if (!list.length) this.hits.delete(key);
    return list;
  }

  /** Counts one request under every key, or, when one key is at its limit, none: then `retryAfterMs` says how long until it is not. */
  take(keys: string[]): { ok: true } | { ok: false; key: string; retryAfterMs: number } {
    const t = this.now();
    for (const key of keys) {
      const list = this.recent(key, t);
      if (list.length >= this.limit) return { ok: false, key, retryAfterMs: Math.max(1, list[0] + this.windowMs - t) };
    }
    for (const key of keys) {
      const list = this.hits.get(key);
      if (list) list.push(t);
      else this.hits.set(key, [t]);
    }
    if (this.hits.size > SWEEP_AT) for (const key of [...this.hits.keys()]) this.recent(key, t);
    return { ok: true };
  }

  get size(): number {
    return this.hits.size;
  }
}

/**
 * Middleware: `keysOf` names what to count the request under (e.g. `ip:…` and `key:…`); over the
 * limit it answers 429 with Retry-After (seconds), through the error handler of the router.
 */
export function rateLimit(window: SlidingWindow, keysOf: (req: Request) => string[]): RequestHandler {
  return (req, res, next) => {
    const r = window.take(keysOf(req));
    if (r.ok) return next();
    const seconds = Math.ceil(r.retryAfterMs / 1000);
    res.set('Retry-After', String(seconds));
    const per = r.key.startsWith('ip:') ? text('该地址', 'this address') : r.key.startsWith('key:') ? text('该 api_key', 'this api_key') : text('该对象', 'this resource');
    throw new HttpError(
      429,
      // what is counted: the client's address, the api_key, or the resource of the path
      r.key.startsWith('ip:') ? 'client.address' : r.key.startsWith('key:') ? 'api_key' : 'path.id',
      text(`${per['zh-CN']}的请求过于频繁：每分钟最多 ${window.limit} 次，请 ${seconds} 秒后重试`, `too many requests from ${per.en}: at most ${window.limit} a minute; retry in ${seconds} s`),
      'RATE_LIMITED',
      { retryAfter: seconds },
    );
  };
}
