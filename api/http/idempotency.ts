/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first successful response to a
 * key is stored and replayed to every retry with the same key and the same request; the same key
 * with another request is a 422; a retry while the first is still running is a 409. A failed
 * request leaves no record, so it can be retried with the same key.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type {} from 'multer';
import { canonicalJson } from '../../activities/audit';
import type { PrismaClient } from '../../generated/prisma/client';
import { badRequest, conflict, text, unprocessable } from './errors';

const KEY = /^[\x21-\x7e]{1,128}$/;
/** a record still "in progress" after this long belongs to a request that died: it is retried */
const ABANDONED_MS = 2 * 60_000;

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
    for (;;) {
      try {
        id = (await prisma.idempotencyRecord.create({ data: { scope, key, target, requestHash: hash }, select: { id: true } })).id;
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
        if (Date.now() - prior.createdAt.getTime() < ABANDONED_MS) {
          res.set('Retry-After', '1');
          throw conflict('header.Idempotency-Key', text('使用该 Idempotency-Key 的请求仍在处理中', 'a request with this Idempotency-Key is still being processed'), 'IDEMPOTENCY_IN_PROGRESS');
        }
        await prisma.idempotencyRecord.deleteMany({ where: { id: prior.id, status: null } });
        continue;
      }
      const stored = prior.response as unknown as Stored;
      res.status(prior.status).set('Idempotent-Replayed', 'true').type(stored.contentType);
      if (stored.location) res.set('Location', stored.location);
      res.send(stored.body);
      return;
    }
    const send = res.send.bind(res);
    let settled = false;
    res.send = ((body?: unknown) => {
      if (settled) return send(body as never);
      settled = true;
      const status = res.statusCode;
      const payload = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? null);
      const done =
        status >= 200 && status < 300
          ? prisma.idempotencyRecord.update({
              where: { id },
              data: { status, completedAt: new Date(), response: { contentType: String(res.get('content-type') ?? 'application/json'), body: payload, location: res.get('location') } satisfies Stored as never },
            })
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
