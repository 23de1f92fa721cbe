/** GET /health: 200 only when both Temporal and the database answer, 503 otherwise. */
import type { RequestHandler } from 'express';
import { callWithin } from '../platform/temporal/probe';
import type { AppDeps } from './deps';
import { localeOf, t } from './i18n';
import { sendProblem } from './problem';

type Check = { status: 'up' } | { status: 'down'; error: string };

async function within(ms: number, fn: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: (e as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}

export function healthHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const [database, temporal] = await Promise.all([
      within(2_000, () => deps.prisma.$queryRaw`SELECT 1`),
      within(2_500, () => callWithin(deps.temporal.probe, 2_000, () => deps.temporal.probe.workflowService.getSystemInfo({}))),
    ]);
    const up = database.status === 'up' && temporal.status === 'up';
    res.set('Cache-Control', 'no-store');
    if (up) {
      res.status(200).json({ status: 'ok', version: deps.version, temporal, database });
      return;
    }
    const down = [temporal.status === 'down' ? 'temporal' : '', database.status === 'down' ? 'database' : ''].filter(Boolean);
    const l = localeOf(req);
    sendProblem(req, res, { title: t(l, 'unavailable.title'), status: 503, detail: t(l, 'unavailable.detail', { down: down.join(', ') }), field: down[0], version: deps.version, temporal, database });
  };
}
