/**
 * A list page's rows read in one statement (api/services/page-rows.ts) are the rows Prisma reads
 * with the list's select (one statement per relation): the same keys in the same order, the same
 * values (dates, decimals, JSON, relations without a row as null), in the list's order.
 */
import { caseSummarySelect, caseSummaryShape } from '../../api/services/cases';
import { rowsByIds } from '../../api/services/page-rows';
import { taskSelect, taskShape } from '../../api/services/tasks';
import { orderByOf, type SortSpec } from '../../api/http/paging';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { closedCase, escalatedCase, reportedCase } from '../support/audit-fixtures';

jest.setTimeout(240_000);

let s: ApiSuite;
let made: string[] = [];

beforeAll(async () => {
  s = await startApiSuite('page-rows');
  made = await Promise.all([reportedCase(s, '页面行 井盖缺失'), escalatedCase(s, '页面行 路灯不亮'), closedCase(s, '页面行 占道经营', 4)]);
});
afterAll(async () => {
  await terminateCases(s, made);
  await s?.close();
});

const SORTS: SortSpec[] = [
  { field: 'dueAt', dir: 'asc', kind: 'date', nullable: true },
  { field: 'dueAt', dir: 'desc', kind: 'date', nullable: true },
  { field: 'createdAt', dir: 'desc', kind: 'date', nullable: false },
  { field: 'priority', dir: 'desc', kind: 'int', nullable: false },
];

describe('a page in one statement', () => {
  it.each(SORTS.map((x) => [`${x.field} ${x.dir}`, x] as const))('given tasks open, claimed and completed, by %s, the rows equal Prisma’s select', async (_n, sort) => {
    const ids = (await s.prisma.task.findMany({ where: { caseId: { in: made } }, select: { id: true } })).map((t) => t.id);
    expect(ids.length).toBeGreaterThan(5);
    const prisma = await s.prisma.task.findMany({ where: { id: { in: ids } }, select: taskSelect, orderBy: orderByOf(sort) as never });
    const one = await rowsByIds(s.prisma, taskShape, ids, sort);
    expect(prisma.some((t) => t.assignee) && prisma.some((t) => !t.assignee)).toBe(true);
    expect(JSON.stringify(one)).toBe(JSON.stringify(prisma));
  });

  it.each([
    ['reportedAt desc', { field: 'reportedAt', dir: 'desc', kind: 'date', nullable: false }],
    ['dueAt asc', { field: 'dueAt', dir: 'asc', kind: 'date', nullable: true }],
    ['severity desc', { field: 'severity', dir: 'desc', kind: 'int', nullable: false }],
  ] as [string, SortSpec][])('given cases (and every seeded one), by %s, the rows equal Prisma’s select', async (_n, sort) => {
    const ids = (await s.prisma.case.findMany({ select: { id: true }, take: 200 })).map((c) => c.id);
    const prisma = await s.prisma.case.findMany({ where: { id: { in: ids } }, select: caseSummarySelect, orderBy: orderByOf(sort) as never });
    const one = await rowsByIds(s.prisma, caseSummaryShape, ids, sort);
    expect(JSON.stringify(one)).toBe(JSON.stringify(prisma));
    expect(one.map((c) => (c as { id: string }).id)).toEqual(prisma.map((c) => c.id));
  });

  it('given no ids, no statement and no rows', async () => {
    expect(await rowsByIds(s.prisma, taskShape, [], SORTS[0])).toEqual([]);
  });
});
