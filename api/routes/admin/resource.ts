/**
 * The administration resources as declarations (processes, categories, org units, grids,
 * departments, users, the calendar): each names its path, the schemas of its item's parameters,
 * query and bodies, whose it is (`owner`: who writes it and what its service calls take first),
 * and one service call per operation. `adminResource` turns a declaration into the routes every
 * such resource has, each with the same middleware chain and answer:
 *   GET    /x        list    validate query                           200 the page
 *   POST   /x        create  [writers], validate body, Idempotency-Key  201 + Location
 *   GET    /x/:id    get     validate params                          200
 *   PUT    /x/:id    put     [writers], validate params + body        201 created / 200 replaced
 *   PATCH  /x/:id    update  [writers], validate params + body        200
 *   DELETE /x/:id    remove  [writers], validate params               204
 * A resource's other routes (`more`) are mounted before its item routes, so /categories/tree is
 * not taken for an id. Inputs reach the services as their schemas validated them.
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { PrismaClient } from '../../../generated/prisma/client';
import type { ApiDeps } from '../../deps';
import { callerOf } from '../../auth/middleware';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import { actorOf, type AdminActor } from '../../services/admin/audit';
import type { AdminScope } from '../../services/admin/scope';
import { cityWide, readsIn, writesIn } from './guards';

/** What the administration's service calls take from a request. */
export interface AdminCall {
  prisma: PrismaClient;
  /** the subtrees the caller reads in (administrator or auditor) … */
  readonly reads: AdminScope;
  /** … and those they change (administrator) */
  readonly writes: AdminScope;
  readonly actor: AdminActor;
}

export function adminCall(prisma: PrismaClient, req: Request): AdminCall {
  return {
    prisma,
    get reads() {
      return readsIn(req);
    },
    get writes() {
      return writesIn(req);
    },
    get actor() {
      return actorOf(callerOf(req));
    },
  };
}

/** Whose a resource is: who may write it, and the arguments its service calls take before their own. */
export interface Owner<Lead extends unknown[]> {
  /** checked before anything else on every write */
  writers?: RequestHandler;
  lead: (c: AdminCall, write: boolean) => Lead;
}

/** City-wide settings (processes, categories, the calendar): only an administrator at a CITY unit changes them; services take the database. */
export const CITY: Owner<[PrismaClient]> = { writers: cityWide, lead: (c) => [c.prisma] };

/** The org tree and its people: services take the database and the caller's subtrees, to read in or to change. */
export const SUBTREE: Owner<[PrismaClient, AdminScope]> = { lead: (c, write) => [c.prisma, write ? c.writes : c.reads] };

/** An item named by its numeric id (`AdminIdParams`). */
export const ID = { param: 'id', schema: 'AdminIdParams' };

// a service's own arguments arrive as their schemas validated them (typed by the service itself)
type Own = never;

/** The service calls of a resource, one per operation, each taking its owner's arguments first. */
export interface AdminService<Lead extends unknown[]> {
  list?: (...a: [...Lead, query: Own]) => Promise<unknown>;
  /** the created item's field named as the item's parameter (its id, a process's key) makes its Location */
  create?: (...a: [...Lead, body: Own, actor: AdminActor]) => Promise<object>;
  get?: (...a: [...Lead, key: Own]) => Promise<unknown>;
  put?: (...a: [...Lead, key: Own, body: Own, actor: AdminActor]) => Promise<{ created: boolean; value: unknown }>;
  update?: (...a: [...Lead, key: Own, body: Own, actor: AdminActor]) => Promise<unknown>;
  remove?: (...a: [...Lead, key: Own, actor: AdminActor]) => Promise<void>;
}

export interface AdminResource<Lead extends unknown[]> {
  /** the collection under /api/admin: "/categories" */
  path: string;
  /** the item's path parameter ("id", "key", "date") and the schema of the item path's parameters (default: ID) */
  item?: { param: string; schema: string };
  owner: Owner<Lead>;
  /** the schemas (schema/api/*.json) of the list's query and of the bodies of create, put and update */
  schemas: { query?: string; create?: string; put?: string; update?: string };
  service: AdminService<Lead>;
  /** the resource's other routes, mounted before its item routes */
  more?: (r: Router, deps: ApiDeps) => void;
}

/** The routes of a declared resource, for the administration router (routes/admin/index.ts). */
export function adminResource<Lead extends unknown[]>(spec: AdminResource<Lead>): (deps: ApiDeps) => Router {
  const { path, item = ID, owner, schemas, more } = spec;
  const { list, create, get, put, update, remove } = spec.service;
  const schema = (name: keyof typeof schemas) => {
    const found = schemas[name];
    if (!found) throw new Error(`${path}: the ${name} schema is missing`);
    return found;
  };
  const items = `${path}/:${item.param}`;
  const writers = owner.writers ? [owner.writers] : [];
  const params = { params: item.schema };
  return (deps) => {
    const r = Router();
    const lead = (req: Request, write: boolean) => owner.lead(adminCall(deps.prisma, req), write);
    const actor = (req: Request) => actorOf(callerOf(req));
    const own = (req: Request) => input<Own, Own>(req);
    const key = (req: Request) => (own(req).params as Record<string, Own>)[item.param];

    if (list) r.get(path, validate({ query: schema('query') }), async (req, res) => void res.json(await list(...lead(req, false), own(req).query)));
    if (create) {
      r.post(path, ...writers, validate({ body: schema('create') }), idempotent(deps.prisma), async (req, res) => {
        const created = await create(...lead(req, true), own(req).body, actor(req));
        res.status(201).location(`/api/admin${path}/${encodeURIComponent(String((created as Record<string, unknown>)[item.param]))}`).json(created);
      });
    }
    more?.(r, deps);
    if (get) r.get(items, validate(params), async (req, res) => void res.json(await get(...lead(req, false), key(req))));
    if (put) {
      r.put(items, ...writers, validate({ ...params, body: schema('put') }), async (req, res) => {
        const { created, value } = await put(...lead(req, true), key(req), own(req).body, actor(req));
        res.status(created ? 201 : 200).json(value);
      });
    }
    if (update) r.patch(items, ...writers, validate({ ...params, body: schema('update') }), async (req, res) => void res.json(await update(...lead(req, true), key(req), own(req).body, actor(req))));
    if (remove) {
      r.delete(items, ...writers, validate(params), async (req, res) => {
        await remove(...lead(req, true), key(req), actor(req));
        res.status(204).end();
      });
    }
    return r;
  };
}
