/** /api/admin/calendar: working days, public holidays and make-up working days (city-wide). */
import type { PrismaClient } from '../../../generated/prisma/client';
import type { DayKind } from '../../../generated/prisma/enums';
import type { ListQuery } from '../../http/paging';
import type { AdminActor } from '../../services/admin/audit';
import * as calendar from '../../services/admin/calendar';
import { adminResource, CITY } from './resource';

export const calendarRoutes = adminResource({
  path: '/calendar', owner: CITY,
  item: { param: 'date', schema: 'AdminCalendarDateParams' },
  schemas: { query: 'AdminCalendarQuery', put: 'AdminCalendarDayPut' },
  service: {
    list: (prisma: PrismaClient, { from, to, cursor, limit }: ListQuery & { from: string; to: string }) => calendar.listCalendar(prisma, from, to, { cursor, limit }),
    get: calendar.getCalendarDay,
    put: async (prisma: PrismaClient, date: string, body: { kind: DayKind; note?: string | null }, actor: AdminActor) => {
      const { created, day } = await calendar.putCalendarDay(prisma, date, body, actor);
      return { created, value: day };
    },
    remove: calendar.deleteCalendarDay,
  },
});
