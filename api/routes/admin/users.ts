/** /api/admin/users: accounts, their memberships and grid assignments, within the caller's subtree. */
import { Router, type Request, type Response } from 'express';
import type { ApiDeps } from '../../deps';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import { actorOf } from '../../services/admin/audit';
import * as users from '../../services/admin/users';
import { callerOf } from '../../auth/middleware';
import { unlockAccount } from '../../services/sign-in';
import { readsIn, writesIn } from './guards';

type Id = { id: number };

function controllers(deps: ApiDeps) {
  const { prisma } = deps;
  return {
    list: async (req: Request, res: Response) => {
      res.json(await users.listUsers(prisma, readsIn(req), input<unknown, users.UserQuery>(req).query));
    },
    get: async (req: Request, res: Response) => {
      res.json(await users.getUser(prisma, readsIn(req), input<unknown, unknown, Id>(req).params.id));
    },
    create: async (req: Request, res: Response) => {
      const created = await users.createUser(prisma, writesIn(req), input<users.UserCreate>(req).body, actorOf(callerOf(req)));
      res.status(201).location(`/api/admin/users/${created.id}`).json(created);
    },
    update: async (req: Request, res: Response) => {
      const { body, params } = input<Parameters<typeof users.updateUser>[3], unknown, Id>(req);
      res.json(await users.updateUser(prisma, writesIn(req), params.id, body, actorOf(callerOf(req))));
    },
    remove: async (req: Request, res: Response) => {
      await users.deleteUser(prisma, writesIn(req), input<unknown, unknown, Id>(req).params.id, actorOf(callerOf(req)));
      res.status(204).end();
    },
    addMembership: async (req: Request, res: Response) => {
      const { body, params } = input<users.MembershipInput, unknown, Id>(req);
      res.status(201).json(await users.addUserMembership(prisma, writesIn(req), params.id, body, actorOf(callerOf(req))));
    },
    removeMembership: async (req: Request, res: Response) => {
      const { id, membershipId } = input<unknown, unknown, { id: number; membershipId: number }>(req).params;
      await users.removeUserMembership(prisma, writesIn(req), id, membershipId, actorOf(callerOf(req)));
      res.status(204).end();
    },
    putGrid: async (req: Request, res: Response) => {
      const { body, params } = input<{ isLeader?: boolean }, unknown, { id: number; gridId: number }>(req);
      res.json(await users.putUserGrid(prisma, writesIn(req), params.id, params.gridId, body.isLeader, actorOf(callerOf(req))));
    },
    unlock: async (req: Request, res: Response) => {
      const user = await users.ownedAccount(prisma, writesIn(req), input<unknown, unknown, Id>(req).params.id);
      res.json(await unlockAccount(deps, callerOf(req), user, req.ip ?? 'unknown', writesIn(req)));
    },
    removeGrid: async (req: Request, res: Response) => {
      const { id, gridId } = input<unknown, unknown, { id: number; gridId: number }>(req).params;
      await users.removeUserGrid(prisma, writesIn(req), id, gridId, actorOf(callerOf(req)));
      res.status(204).end();
    },
  };
}

export function userRoutes(deps: ApiDeps): Router {
  const c = controllers(deps);
  const once = idempotent(deps.prisma);
  const id = { params: 'AdminIdParams' };
  const r = Router();
  r.get('/users', validate({ query: 'AdminUserQuery' }), c.list);
  r.post('/users', validate({ body: 'AdminUserCreate' }), once, c.create);
  r.get('/users/:id', validate(id), c.get);
  r.patch('/users/:id', validate({ ...id, body: 'AdminUserUpdate' }), c.update);
  r.delete('/users/:id', validate(id), c.remove);
  r.post('/users/:id/memberships', validate({ ...id, body: 'AdminMembership' }), once, c.addMembership);
  r.delete('/users/:id/memberships/:membershipId', validate({ params: 'AdminUserMembershipParams' }), c.removeMembership);
  r.put('/users/:id/grids/:gridId', validate({ params: 'AdminUserGridParams', body: 'AdminUserGridPut' }), c.putGrid);
  r.delete('/users/:id/grids/:gridId', validate({ params: 'AdminUserGridParams' }), c.removeGrid);
  // lifts a sign-in lock and clears the account's failed sign-ins (api/services/sign-in.ts)
  r.post('/users/:id/unlock', validate({ ...id, body: 'EmptyBody' }), c.unlock);
  return r;
}
