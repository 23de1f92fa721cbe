/** GET /api/events: the caller's inbox as Server-Sent Events (new, changed and overdue tasks). */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { authenticate, callerOf } from '../auth/middleware';
import { inboxEventsSince } from '../services/events';

const HEARTBEAT_MS = 15_000;
const COMMIT_LAG_MS = 300;

export function eventRoutes(deps: ApiDeps, intervalMs: number): Router {
  const r = Router();
  r.get('/api/events', authenticate(deps.prisma, deps.tokens, { queryToken: true }), (req, res) => {
    const c = callerOf(req);
    const last = Number(req.get('last-event-id'));
    let since = Number.isFinite(last) && last > 0 && last <= Date.now() ? new Date(last) : new Date();
    const stream = { start: since, seen: new Set<string>() };
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 3000\n: inbox of ${c.username}\n\n`);
    let busy = false;
    let lastWrite = Date.now();
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        // a little behind the clock, so a change whose transaction is still committing is not skipped
        const { events, watermark } = await inboxEventsSince(deps, c, since, new Date(Date.now() - COMMIT_LAG_MS), stream);
        since = watermark;
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
    req.on('close', () => clearInterval(timer));
  });
  return r;
}
