/** The sorted-list helper (api/services/lists.ts): the page after the cursor, and the index walk's reads. */
import { INDEX_WALK, sortedPage, type ListModel, type SortSpec } from '../../api/services/lists';

type Args = { where: Record<string, unknown>; orderBy: unknown; take?: number; skip?: number; select?: Record<string, unknown> };

/** A model that records every read and answers from the given functions. */
function recording(answer: { edge?: (a: Args) => Record<string, unknown> | null; ids?: (a: Args) => string[]; rows?: (a: Args) => Record<string, unknown>[] }) {
  const firsts: Args[] = [];
  const manys: Args[] = [];
  const model: ListModel = {
    findFirst: async (a) => (firsts.push(a as Args), answer.edge?.(a as Args) ?? null),
    findMany: async (a) => {
      manys.push(a as Args);
      const args = a as Args;
      if (args.select && Object.keys(args.select).join() === 'id') return (answer.ids?.(args) ?? []).map((id) => ({ id }));
      return answer.rows?.(args) ?? [];
    },
  };
  return { model, firsts, manys };
}

const created: SortSpec = { field: 'reportedAt', dir: 'desc', kind: 'date', nullable: false };
const due: SortSpec = { field: 'dueAt', dir: 'asc', kind: 'date', nullable: true };
const at = (i: number) => new Date(Date.UTC(2026, 10, 1) - i * 60_000);
const rowsOf = (ids: string[]) => ids.map((id, i) => ({ id, reportedAt: at(i), dueAt: at(-i) }));
const idsIn = (a: Args) => ((a.where.id as { in?: string[] } | undefined)?.in ?? null);

describe('a sorted page', () => {
  it('given no walk, reads limit + 1 rows of the filters after the cursor in the sort order, and gives the next cursor when one more row came', async () => {
    // given a list of 3 rows asked 2 at a time
    const { model, manys } = recording({ rows: () => rowsOf(['c', 'b', 'a']) });
    // when its first page is read
    const page = await sortedPage<Record<string, unknown>>(model, { sort: created, limit: 2, where: [{ status: 'OPEN' }], select: { id: true, reportedAt: true } });
    // then one query asked for 3 rows with the filters and no cursor condition, newest first, id breaking ties
    expect(manys).toEqual([{ where: { AND: [{ status: 'OPEN' }, {}] }, orderBy: [{ reportedAt: 'desc' }, { id: 'desc' }], take: 3, select: { id: true, reportedAt: true } }]);
    expect(page.items.map((r) => r.id)).toEqual(['c', 'b']);
    // and the cursor starts the next page strictly after the second row
    expect(page.nextCursor).not.toBeNull();
    await sortedPage(model, { sort: created, cursor: page.nextCursor!, limit: 2, where: [], select: { id: true } });
    expect(manys[1].where).toEqual({ AND: [{ OR: [{ reportedAt: { lt: at(1) } }, { reportedAt: at(1), id: { lt: 'b' } }] }] });
  });

  it('given a cursor of another sort, refuses it naming query.cursor', async () => {
    const { model } = recording({ rows: () => rowsOf(['c', 'b', 'a']) });
    const { nextCursor } = await sortedPage(model, { sort: created, limit: 1, where: [], select: { id: true, reportedAt: true } });
    expect(nextCursor).not.toBeNull();
    await expect(sortedPage(model, { sort: due, cursor: nextCursor!, limit: 1, where: [], select: { id: true } })).rejects.toMatchObject({ field: 'query.cursor' });
  });
});

describe('an index walk', () => {
  it('given lanes sharing one window, looks the edge up once, reads each lane up to it, and the whole list past it only when the lanes found fewer than a page', async () => {
    // given two branches of a scope, the edge INDEX_WALK rows in, and each branch with one case before it
    const edge = { id: 'e', reportedAt: at(50) };
    const { model, firsts, manys } = recording({
      edge: () => edge,
      // past the edge (the list's rest) r1 and r2; before it, m in the first branch and u in the second
      ids: (a) => {
        const w = JSON.stringify(a.where);
        return w.includes('"lt"') ? ['r1', 'r2'] : w.includes('"mine"') ? ['m'] : ['u'];
      },
      rows: (a) => rowsOf(idsIn(a) ?? []),
    });
    // when a page of 3 is read
    const page = await sortedPage<Record<string, unknown>>(model, {
      sort: created,
      limit: 3,
      where: [{ OR: [{ mine: true }, { unit: true }] }, { status: 'OPEN' }],
      select: { id: true, reportedAt: true },
      walk: { window: [{ reportedAt: { gte: at(100) } }], lanes: [[{ mine: true }, { status: 'OPEN' }], [{ unit: true }, { status: 'OPEN' }]] },
    });
    // then the edge was looked up once, in the window only, INDEX_WALK rows in
    expect(firsts).toEqual([{ where: { AND: [{ reportedAt: { gte: at(100) } }, {}] }, orderBy: [{ reportedAt: 'desc' }, { id: 'desc' }], skip: INDEX_WALK - 1, select: { id: true, reportedAt: true } }]);
    // and each lane read its matching rows up to the edge in index order
    const upToEdge = { OR: [{ reportedAt: { gt: at(50) } }, { reportedAt: at(50), id: { gte: 'e' } }] };
    expect(manys[0].where).toEqual({ AND: [{ mine: true }, { status: 'OPEN' }, {}, upToEdge] });
    expect(manys[1].where).toEqual({ AND: [{ unit: true }, { status: 'OPEN' }, {}, upToEdge] });
    // and, with 2 of 4 wanted found, the whole list past the edge in one read
    expect(manys[2]).toMatchObject({ where: { AND: [{ OR: [{ mine: true }, { unit: true }] }, { status: 'OPEN' }, {}, { OR: [{ reportedAt: { lt: at(50) } }, { reportedAt: at(50), id: { lt: 'e' } }] }] }, take: 4 });
    // and the page is read by those ids in the sort order
    expect(idsIn(manys[3])).toEqual(['m', 'u', 'r1', 'r2']);
    expect(manys[3].orderBy).toEqual([{ reportedAt: 'desc' }, { id: 'desc' }]);
    expect(page.items).toHaveLength(3);
    expect(manys).toHaveLength(4);
  });

  it('given a lane per state on a nullable sort, each lane reads its own rest past its edge, and the rows without a value only from the lanes that ended before an edge', async () => {
    // given state OPEN with an edge and one row before it, and state CLAIMED with no edge (fewer rows than the walk)
    const { model, firsts, manys } = recording({
      edge: (a) => (JSON.stringify(a.where).includes('"OPEN"') ? { id: 'e', dueAt: at(-10) } : null),
      ids: (a) => (JSON.stringify(a.where).includes('"OPEN"') ? ['o1'] : ['c1']),
      rows: (a) => rowsOf(idsIn(a) ?? []),
    });
    // when a page of 5 is read
    await sortedPage(model, {
      sort: due,
      limit: 5,
      where: [{ scope: true }],
      select: { id: true, dueAt: true },
      walk: { lanes: ['OPEN', 'CLAIMED'].map((state) => ({ window: [{ state }], rows: [{ scope: true }, { state }] })) },
    });
    // then each state looked up its own edge among the rows with a due time
    expect(firsts.map((f) => f.where)).toEqual([{ AND: [{ state: 'OPEN' }, { dueAt: { not: null } }, {}] }, { AND: [{ state: 'CLAIMED' }, { dueAt: { not: null } }, {}] }]);
    const wheres = manys.map((m) => JSON.stringify(m.where));
    // and OPEN, short of a page before its edge, read the rest past it sorted (nulls last), for what was still wanted
    const rests = manys.filter((m) => m.take === 5);
    expect(rests).toHaveLength(1);
    expect(rests[0].where).toEqual({ AND: [{ scope: true }, { state: 'OPEN' }, {}, { OR: [{ dueAt: { gt: at(-10) } }, { dueAt: at(-10), id: { gt: 'e' } }, { dueAt: null }] }] });
    expect(rests[0].orderBy).toEqual([{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }]);
    // and only CLAIMED, which had no edge, read its tasks without a due time
    expect(wheres.filter((w) => w.endsWith(',{"dueAt":null}]}'))).toEqual([JSON.stringify({ AND: [{ scope: true }, { state: 'CLAIMED' }, {}, { dueAt: null }] })]);
  });
});
