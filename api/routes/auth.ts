/** POST /api/auth/token (sign in, throttled) and GET /api/auth/me (who am I, with roles, scope and candidate keys). */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { authenticate, callerOf } from '../auth/middleware';
import { namePrincipals } from '../auth/principals';
import { issueToken } from '../auth/tokens';
import { DomainError } from '../http/errors';
import { input, validate } from '../http/validate';
import { signIn } from '../services/sign-in';

export function authRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.post('/api/auth/token', validate({ body: 'TokenRequest' }), async (req, res) => {
    const { username, password } = input<{ username: string; password: string }>(req).body;
    let user;
    try {
      user = await signIn(deps, deps.signIn, { username, password, address: req.ip ?? req.socket.remoteAddress ?? 'unknown' });
    } catch (e) {
      if (e instanceof DomainError && e.status === 429) res.set('Retry-After', String(e.extra.retryAfter));
      throw e;
    }
    const { token, expiresAt } = await issueToken(deps.tokens, user);
    res.set('Cache-Control', 'no-store').json({ token_type: 'Bearer', access_token: token, expires_at: expiresAt.toISOString(), user: { id: user.id, username: user.username, displayName: user.displayName } });
  });
  r.get('/api/auth/me', authenticate(deps.prisma, deps.tokens), validate({}), async (req, res) => {
    const c = callerOf(req);
    res.json({
      id: c.userId,
      username: c.username,
      displayName: c.name,
      locale: c.locale,
      roles: [...c.roles],
      memberships: c.memberships,
      gridIds: c.gridIds,
      // the keys tasks are offered to (a task is the caller's to take when one of its candidates' keys is here)
      principals: await namePrincipals(deps.prisma, c.principals),
    });
  });
  return r;
}
