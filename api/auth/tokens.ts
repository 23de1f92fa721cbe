/** Bearer tokens: HS256 JWTs (jose) signed with the key from GRIDCASE_JWT_SECRET. */
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { CallerCache, DEFAULT_CALLER_CACHE_MS } from './caller-cache';

const ISSUER = 'gridcase';
const AUDIENCE = 'gridcase-api';

export interface TokenKeys {
  key: Uint8Array;
  ttlSeconds: number;
  /** each token's caller, read at most once per `callers.ttlMs` (api/auth/caller-cache.ts) */
  callers: CallerCache;
}

/** The key from configuration; without one (tests building an app), a random key for this process. */
export function tokenKeys(secret: string | undefined, ttlSeconds: number, callerCacheMs = DEFAULT_CALLER_CACHE_MS): TokenKeys {
  return { key: secret ? new TextEncoder().encode(secret) : crypto.randomBytes(48), ttlSeconds, callers: new CallerCache(callerCacheMs) };
}

export async function issueToken(keys: TokenKeys, user: { id: number; username: string }): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + keys.ttlSeconds;
  const token = await new SignJWT({ username: user.username })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(keys.key);
  return { token, expiresAt: new Date(exp * 1000) };
}

export type TokenCheck = { ok: true; userId: number; issuedAt: number } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifyToken(keys: TokenKeys, token: string): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keys.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const userId = Number(payload.sub);
    // a user id is an INT: a subject past it names no one (and would not fit the query)
    if (!Number.isInteger(userId) || userId < 1 || userId > 2147483647) return { ok: false, reason: 'invalid' };
    return { ok: true, userId, issuedAt: payload.iat ?? 0 };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}
