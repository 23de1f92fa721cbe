/** /api/admin/calendar: working days, public holidays and make-up working days (city-wide). */
import { Router, type Request, type Response } from 'express';
import type { DayKind } from '../../../generated/prisma/enums';
import type { ApiDeps } from '../../deps';
import { callerOf } from '../../auth/middleware';
import { input, validate } from '../../http/validate';
import { actorOf } from '../../services/admin/audit';
import * as calendar from '../../services/admin/calendar';
import { cityWide } from './guards';

type DateParam = { date: string };

function controllers({ prisma }: ApiDeps) {
  return {
    list: async (req: Request, res: Response) => {
      const { from, to, cursor, limit } = input<unknown, { from: string; to: string; cursor?: string; limit?: number }>(req).query;
      res.json(await calendar.listCalendar(prisma, from, to, { cursor, limit }));
    },
    get: async (req: Request, res: Response) => {
      res.json(await calendar.getCalendarDay(prisma, input<unknown, unknown, DateParam>(req).params.date));
    },
    put: async (req: Request, res: Response) => {
      const { body, params } = input<{ kind: DayKind; note?: string | null }, unknown, DateParam>(req);
      const { created, day } = await calendar.putCalendarDay(prisma, params.date, body, actorOf(callerOf(req)));
      res.status(created ? 201 : 200).json(day);
    },
    remove: async (req: Request, res: Response) => {
      await calendar.deleteCalendarDay(prisma, input<unknown, unknown, DateParam>(req).params.date, actorOf(callerOf(req)));
      res.status(204).end();
    },
  };
}

export function calendarRoutes(deps: ApiDeps): Router {
  const c = controllers(deps);
  const r = Router();
  r.get('/calendar', validate({ query: 'AdminCalendarQuery' }), c.list);
  r.get('/calendar/:date', validate({ params: 'AdminCalendarDateParams' }), c.get);
  r.put('/calendar/:date', cityWide, validate({ params: 'AdminCalendarDateParams', body: 'AdminCalendarDayPut' }), c.put);
  r.delete('/calendar/:date', cityWide, validate({ params: 'AdminCalendarDateParams' }), c.remove);
  return r;
}
