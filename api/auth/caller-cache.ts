/**
 * The caller read once per bearer token for a few seconds (`GRIDCASE_CALLER_CACHE_MS`, default
 * 5 s) instead of on every request: a request within that time reuses the roles, units and grids
 * read for its token. So a disabled account, a removed role or a moved unit takes effect within
 * that bound on every API instance; within this instance an administration change takes effect at
 * once (the administration routes forget every cached caller when they change something, and an
 * event stream that finds its caller disabled or changed forgets that user's entries). The
 * token itself is still checked on every request (signature and expiry), and an event stream
 * re-reads its caller on its own schedule. 0 turns the cache off.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { loadCaller, type Caller } from './caller';

/** The default bound, ms. */
export const DEFAULT_CALLER_CACHE_MS = 5000;
/** Most tokens held at once (the oldest go first). */
const MAX_ENTRIES = 10_000;

interface Entry {
  userId: number;
  until: number;
  caller: Promise<Caller | null>;
}

export class CallerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The caller of this token (its user id already verified): cached, or read now (concurrent requests share one read). */
  get(prisma: PrismaClient, token: string, userId: number): Promise<Caller | null> {
    if (this.ttlMs <= 0) return loadCaller(prisma, userId);
    const t = this.now();
    const hit = this.entries.get(token);
    if (hit && hit.userId === userId && hit.until > t) return hit.caller;
    if (hit) this.entries.delete(token);
    const caller = loadCaller(prisma, userId);
    const entry: Entry = { userId, until: t + this.ttlMs, caller };
    this.entries.set(token, entry);
    // a failed read is not kept
    caller.catch(() => {
      if (this.entries.get(token) === entry) this.entries.delete(token);
    });
    if (this.entries.size > MAX_ENTRIES) this.prune(t);
    return caller;
  }

  /** Forgets this user's cached callers (an event stream found the account disabled or its scope changed). */
  forgetUser(userId: number): void {
    for (const [k, e] of this.entries) if (e.userId === userId) this.entries.delete(k);
  }

  /** Forgets every cached caller (an administration change: users, roles, units, grids). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(t: number): void {
    for (const [k, e] of this.entries) if (e.until <= t) this.entries.delete(k);
    // still too many: the oldest (insertion order) go
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(k);
    }
  }
}
