/** POST /api/auth/token (sign in) and GET /api/auth/me (who am I, with roles and scope). */
import { Router } from 'express';
import { verifyPassword } from '../../platform/auth/password';
import type { ApiDeps } from '../deps';
import { authenticate, callerOf } from '../auth/middleware';
import { issueToken } from '../auth/tokens';
import { text, unauthorized } from '../http/errors';
import { input, validate } from '../http/validate';

/** Spent on unknown usernames too, so timing does not tell which usernames exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function authRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.post('/api/auth/token', validate({ body: 'TokenRequest' }), async (req, res) => {
    const { username, password } = input<{ username: string; password: string }>(req).body;
    const user = await deps.prisma.user.findUnique({ where: { username }, select: { id: true, username: true, passwordHash: true, active: true, displayName: true } });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH).catch(() => false);
    if (!user || !user.active || !ok) throw unauthorized(text('用户名或密码错误', 'wrong username or password'));
    const { token, expiresAt } = await issueToken(deps.tokens, user);
    res.set('Cache-Control', 'no-store').json({ token_type: 'Bearer', access_token: token, expires_at: expiresAt.toISOString(), user: { id: user.id, username: user.username, displayName: user.displayName } });
  });
  r.get('/api/auth/me', authenticate(deps.prisma, deps.tokens), validate({}), (req, res) => {
    const c = callerOf(req);
    res.json({ id: c.userId, username: c.username, displayName: c.name, locale: c.locale, roles: [...c.roles], memberships: c.memberships, gridIds: c.gridIds });
  });
  return r;
}
