/** /api/admin/users: accounts, their memberships and grid assignments, within the caller's subtree. */
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import { actorOf } from '../../services/admin/audit';
import * as users from '../../services/admin/users';
import { callerOf } from '../../auth/middleware';
import { unlockAccount } from '../../services/sign-in';
import { writesIn } from './guards';
import { adminResource, SUBTREE } from './resource';

type UserGrid = { id: number; gridId: number };

/** A user's roles and grids, and the lifting of a sign-in lock. */
function userParts(r: Router, deps: ApiDeps) {
  const { prisma } = deps;
  r.post('/users/:id/memberships', validate({ params: 'AdminIdParams', body: 'AdminMembership' }), idempotent(prisma), async (req, res) => {
    const { body, params } = input<users.MembershipInput, unknown, { id: number }>(req);
    res.status(201).json(await users.addUserMembership(prisma, writesIn(req), params.id, body, actorOf(callerOf(req))));
  });
  r.delete('/users/:id/memberships/:membershipId', validate({ params: 'AdminUserMembershipParams' }), async (req, res) => {
    const { id, membershipId } = input<unknown, unknown, { id: number; membershipId: number }>(req).params;
    await users.removeUserMembership(prisma, writesIn(req), id, membershipId, actorOf(callerOf(req)));
    res.status(204).end();
  });
  r.put('/users/:id/grids/:gridId', validate({ params: 'AdminUserGridParams', body: 'AdminUserGridPut' }), async (req, res) => {
    const { body, params } = input<{ isLeader?: boolean }, unknown, UserGrid>(req);
    res.json(await users.putUserGrid(prisma, writesIn(req), params.id, params.gridId, body.isLeader, actorOf(callerOf(req))));
  });
  r.delete('/users/:id/grids/:gridId', validate({ params: 'AdminUserGridParams' }), async (req, res) => {
    const { id, gridId } = input<unknown, unknown, UserGrid>(req).params;
    await users.removeUserGrid(prisma, writesIn(req), id, gridId, actorOf(callerOf(req)));
    res.status(204).end();
  });
  // lifts a sign-in lock and clears the account's failed sign-ins (api/services/sign-in.ts)
  r.post('/users/:id/unlock', validate({ params: 'AdminIdParams', body: 'EmptyBody' }), async (req, res) => {
    const user = await users.ownedAccount(prisma, writesIn(req), input<unknown, unknown, { id: number }>(req).params.id);
    res.json(await unlockAccount(deps, callerOf(req), user, req.ip ?? 'unknown', writesIn(req)));
  });
}

export const userRoutes = adminResource({
  path: '/users', owner: SUBTREE,
  schemas: { query: 'AdminUserQuery', create: 'AdminUserCreate', update: 'AdminUserUpdate' },
  service: { list: users.listUsers, create: users.createUser, get: users.getUser, update: users.updateUser, remove: users.deleteUser },
  more: userParts,
});
