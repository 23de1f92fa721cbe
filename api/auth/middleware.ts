/** Bearer authentication and role checks for every route but the public ones. */
import type { RequestHandler, Request } from 'express';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Role } from '../../generated/prisma/enums';
import { roleList } from '../../core/roles';
import { CALLER, refused, text, unauthenticated } from '../services/errors';
import type { Caller } from './caller';
import { verifyToken, type TokenKeys } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/**
 * `queryToken`: also accept `?access_token=` (RFC 6750 §2.3), only for the event stream, because a
 * browser's EventSource cannot send headers.
 */
export function authenticate(prisma: PrismaClient, keys: TokenKeys, opts: { queryToken?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const q = opts.queryToken && typeof req.query.access_token === 'string' ? `Bearer ${req.query.access_token}` : undefined;
    const header = req.get('authorization') ?? q;
    const m = header?.match(/^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i);
    res.set('WWW-Authenticate', 'Bearer realm="gridcase"');
    if (!m) throw unauthenticated(text('需要登录：请在 Authorization 头中携带 Bearer 令牌', 'a bearer token is required in the Authorization header'));
    const check = await verifyToken(keys, m[1]);
    if (!check.ok) {
      res.set('WWW-Authenticate', `Bearer realm="gridcase", error="invalid_token"`);
      throw unauthenticated(check.reason === 'expired' ? text('令牌已过期，请重新登录', 'the token has expired: sign in again') : text('令牌无效', 'the token is invalid'));
    }
    // read once per token for a few seconds (caller-cache.ts): a disabled account stops within that bound
    const caller = await keys.callers.get(prisma, m[1], check.userId);
    if (!caller) throw unauthenticated(text('账号不存在或已停用', 'the account does not exist or is disabled'));
    res.removeHeader('WWW-Authenticate');
    req.caller = caller;
    next();
  };
}

export function callerOf(req: Request): Caller {
  if (!req.caller) throw new Error('route is not behind authenticate()');
  return req.caller;
}

/**
 * The caller must hold at least one of the roles (anywhere); scope is checked by the service.
 * A refusal is ROLE_REQUIRED naming the caller (over HTTP `header.Authorization`: the token says
 * who the caller is, and who they are is what is refused) and the roles, with their names from
 * core/roles.
 */
export function allow(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const c = callerOf(req);
    if (!roles.some((r) => c.roles.has(r))) {
      throw refused(CALLER, text(`需要以下角色之一：${roleList(roles, 'zh-CN')}`, `requires one of the roles: ${roleList(roles, 'en')}`), 'ROLE_REQUIRED', { roles });
    }
    next();
  };
}
