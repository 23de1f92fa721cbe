/**
 * GET /api/events: the caller's inbox as Server-Sent Events (new, changed and overdue tasks), and
 * the caller's notifications as the delivery worker delivers them (`event: notification`, with the
 * unread count).
 * The stream re-reads its caller every `recheckMs` (account, roles, units, grids): a disabled or
 * deleted account ends it (`event: end`, reason ACCOUNT_DISABLED), and a changed membership
 * changes what it sends from then on (`event: scope` with the roles and inbox principals now held).
 */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { loadCaller } from '../auth/caller';
import { authenticate, callerOf } from '../auth/middleware';
import { inboxEventsSince } from '../services/events';
import { notificationEventsSince, type NotificationCursor } from '../services/notifications';

const HEARTBEAT_MS = 15_000;
const COMMIT_LAG_MS = 300;

const sameScope = (a: { roles: Set<string>; principals: string[]; gridIds: number[] }, b: typeof a) =>
  [...a.roles].sort().join() === [...b.roles].sort().join() && [...a.principals].sort().join() === [...b.principals].sort().join() && [...a.gridIds].sort().join() === [...b.gridIds].sort().join();

export function eventRoutes(deps: ApiDeps, intervalMs: number, recheckMs: number): Router {
  const r = Router();
  r.get('/api/events', authenticate(deps.prisma, deps.tokens, { queryToken: true }), (req, res) => {
    let c = callerOf(req);
    const last = Number(req.get('last-event-id'));
    let since = Number.isFinite(last) && last > 0 && last <= Date.now() ? new Date(last) : new Date();
    const stream = { start: since, seen: new Set<string>() };
    const notes: NotificationCursor = { start: since, upTo: since, pushed: new Map() };
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 3000\n: inbox of ${c.username}\n\n`);
    let busy = false;
    let closed = false;
    let lastWrite = Date.now();
    let checkedAt = Date.now();
    const end = (reason: string) => {
      closed = true;
      clearInterval(timer);
      res.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
      res.end();
    };
    /** The caller as the database says now; false when the stream has ended. */
    const recheck = async (): Promise<boolean> => {
      checkedAt = Date.now();
      const now = await loadCaller(deps.prisma, c.userId);
      // what the stream learnt holds for this instance's other requests too (api/auth/caller-cache.ts)
      if (!now || !sameScope(c, now)) deps.tokens.callers.forgetUser(c.userId);
      if (!now) {
        end('ACCOUNT_DISABLED');
        return false;
      }
      if (!sameScope(c, now)) res.write(`event: scope\ndata: ${JSON.stringify({ roles: [...now.roles], principals: now.principals, gridIds: now.gridIds })}\n\n`);
      c = now;
      return true;
    };
    const tick = async () => {
      if (busy || closed) return;
      busy = true;
      try {
        if (Date.now() - checkedAt >= recheckMs && !(await recheck())) return;
        // a little behind the clock, so a change whose transaction is still committing is not skipped
        const upTo = new Date(Date.now() - COMMIT_LAG_MS);
        const inbox = await inboxEventsSince(deps, c, since, upTo, stream);
        since = inbox.watermark;
        // and the caller's notifications delivered meanwhile (with the unread count), on the same time axis
        const delivered = await notificationEventsSince(deps, c.userId, notes, upTo);
        const events = [...inbox.events, ...delivered].sort((a, b) => Number(a.id) - Number(b.id));
        for (const e of events) res.write(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
        if (events.length) lastWrite = Date.now();
        else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      } catch {
        // the database is away for a moment: the stream stays open and catches up afterwards
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), intervalMs);
    req.on('close', () => {
      closed = true;
      clearInterval(timer);
    });
  });
  return r;
}
