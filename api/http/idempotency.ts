/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first successful response to a
 * key is stored and replayed to every retry with the same key and the same request; the same key
 * with another request is a 422; a retry while the first is still running is a 409. A failed
 * request leaves no record, so it can be retried with the same key.
 *
 * A running request holds a lease on its record and renews it; when the API process dies
 * mid-request the lease runs out within seconds and a retry takes the record over, with what the
 * first request reserved (the case number of a report), so the retry finishes the same work
 * instead of doing it twice.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type {} from 'multer';
import { canonicalJson } from '../../core/audit-chain';
import type { PrismaClient } from '../../generated/prisma/client';
import { text } from '../services/errors';
import { badRequest, conflict, unprocessable } from './errors';

const KEY = /^[\x21-\x7e]{1,128}$/;
/** a running request's hold on its record; renewed every LEASE_RENEW_MS while it runs */
export const LEASE_MS = 8_000;
const LEASE_RENEW_MS = 2_000;
/** records written before leases existed: in progress for this long means the request died */
const ABANDONED_MS = 2 * 60_000;

/** What a handler may do with the key of the request it serves (req.idempotency). */
export interface IdempotencyHold {
  /** SHA-256 of scope and key: a mark to leave on what the request creates (e.g. a workflow memo) */
  token: string;
  /** what an earlier attempt with this key reserved before it died, if anything */
  reserved: string | null;
  /** records what this attempt is about to create, for a retry that takes over */
  reserve(resourceId: string): Promise<void>;
  /** set once the request may have changed something outside MySQL (e.g. started a workflow):
   * a failure then keeps the record, lease expired, so a retry finishes the same work */
  mayHaveActed: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      idempotency?: IdempotencyHold;
    }
  }
}

interface Stored {
  contentType: string;
  body: string;
  location?: string;
}

export function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY.test(key)) throw badRequest('header.Idempotency-Key', text('Idempotency-Key 须为 1-128 个可见 ASCII 字符', 'Idempotency-Key must be 1-128 visible ASCII characters'));
  return key;
}

function requestHash(req: Request): string {
  const files = (req.files as Express.Multer.File[] | undefined)?.map((f) => ({ name: f.fieldname, sha: crypto.createHash('sha256').update(f.buffer ?? '').digest('hex') }));
  // canonical JSON: the same fields in another order are the same request
  return crypto.createHash('sha256').update(canonicalJson({ body: req.body ?? null, files: files ?? null })).digest('hex');
}

/** Who the key belongs to: the signed-in user, an Open311 client, or an anonymous address. */
export type ScopeOf = (req: Request) => string;
export const callerScope: ScopeOf = (req) => (req.caller ? `user:${req.caller.userId}` : `ip:${req.ip}`);

export function idempotent(prisma: PrismaClient, scopeOf: ScopeOf = callerScope): RequestHandler {
  return async (req, res, next) => {
    const key = idempotencyKey(req);
    if (key === undefined) return next();
    const scope = scopeOf(req);
    const target = `${req.method} ${req.baseUrl}${req.path}`.slice(0, 255);
    const hash = requestHash(req);
    let id: bigint;
    let reserved: string | null = null;
    for (;;) {
      try {
        id = (await prisma.idempotencyRecord.create({ data: { scope, key, target, requestHash: hash, leaseUntil: new Date(Date.now() + LEASE_MS) }, select: { id: true } })).id;
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'P2002') throw e;
      }
      const prior = await prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
      if (!prior) continue; // the first request failed and removed its record meanwhile
      if (prior.target !== target || prior.requestHash !== hash) {
        throw unprocessable('header.Idempotency-Key', text('该 Idempotency-Key 已用于另一个请求', 'this Idempotency-Key was used for a different request'), 'IDEMPOTENCY_KEY_REUSED');
      }
      if (prior.status === null) {
        const leaseEnd = prior.leaseUntil?.getTime() ?? prior.createdAt.getTime() + ABANDONED_MS;
        if (Date.now() < leaseEnd) {
          res.set('Retry-After', '1');
          throw conflict('header.Idempotency-Key', text('使用该 Idempotency-Key 的请求仍在处理中', 'a request with this Idempotency-Key is still being processed'), 'IDEMPOTENCY_IN_PROGRESS');
        }
        // the request that held it died: take the record over (one taker wins), with its reservation
        const taken = await prisma.idempotencyRecord.updateMany({
          where: { id: prior.id, status: null, leaseUntil: prior.leaseUntil },
          data: { leaseUntil: new Date(Date.now() + LEASE_MS) },
        });
        if (taken.count !== 1) continue;
        id = prior.id;
        reserved = prior.resourceId;
        break;
      }
      const stored = prior.response as unknown as Stored;
      res.status(prior.status).set('Idempotent-Replayed', 'true').type(stored.contentType);
      if (stored.location) res.set('Location', stored.location);
      res.send(stored.body);
      return;
    }
    const recordId = id;
    const hold: IdempotencyHold = {
      token: crypto.createHash('sha256').update(`${scope}\n${key}`).digest('hex'),
      reserved,
      reserve: async (resourceId) => {
        await prisma.idempotencyRecord.update({ where: { id: recordId }, data: { resourceId } });
        hold.reserved = resourceId;
      },
      mayHaveActed: false,
    };
    req.idempotency = hold;
    const renew = setInterval(() => {
      prisma.idempotencyRecord.updateMany({ where: { id: recordId, status: null }, data: { leaseUntil: new Date(Date.now() + LEASE_MS) } }).catch(() => undefined);
    }, LEASE_RENEW_MS);
    renew.unref();
    const send = res.send.bind(res);
    let settled = false;
    res.send = ((body?: unknown) => {
      if (settled) return send(body as never);
      settled = true;
      clearInterval(renew);
      const status = res.statusCode;
      const payload = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? null);
      const done =
        status >= 200 && status < 300
          ? prisma.idempotencyRecord.update({
              where: { id },
              data: { status, completedAt: new Date(), response: { contentType: String(res.get('content-type') ?? 'application/json'), body: payload, location: res.get('location') } satisfies Stored as never },
            })
          : hold.mayHaveActed && status >= 500
            ? // the work may be half done elsewhere: a retry takes the record over at once and finishes it
              prisma.idempotencyRecord.update({ where: { id }, data: { leaseUntil: new Date() } })
            : prisma.idempotencyRecord.delete({ where: { id } });
      done.then(
        () => send(body as never),
        (e: unknown) => {
          console.error('idempotency record not saved', e);
          send(body as never);
        },
      );
      return res;
    }) as typeof res.send;
    next();
  };
}
