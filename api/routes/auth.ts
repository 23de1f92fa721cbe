/** POST /api/auth/token (sign in, throttled) and GET /api/auth/me (who am I, with roles, scope and candidate keys). */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { authenticate, callerOf } from '../auth/middleware';
import { issueToken } from '../auth/tokens';
import { input, validate } from '../http/validate';
import { accountOf } from '../services/account';
import { signIn } from '../services/sign-in';

export function authRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.post('/api/auth/token', validate({ body: 'TokenRequest' }), async (req, res) => {
    const { username, password } = input<{ username: string; password: string }>(req).body;
    // a throttled attempt answers 429 with Retry-After (../problem.ts)
    const user = await signIn(deps, deps.signIn, { username, password, address: req.ip ?? req.socket.remoteAddress ?? 'unknown' });
    const { token, expiresAt } = await issueToken(deps.tokens, user);
    res.set('Cache-Control', 'no-store').json({ token_type: 'Bearer', access_token: token, expires_at: expiresAt.toISOString(), user: { id: user.id, username: user.username, displayName: user.displayName } });
  });
  r.get('/api/auth/me', authenticate(deps.prisma, deps.tokens), validate({}), async (req, res) => {
    res.json(await accountOf(deps, callerOf(req)));
  });
  return r;
}
