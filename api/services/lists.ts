/**
 * The sorted lists of the API (cases, the inbox, approvals): one sort of the list's sort table,
 * the rows after the cursor (api/http/paging.ts), a page of `limit` rows read as limit + 1 so the
 * last one tells whether a next page exists, and for the big lists the index walk that reads a
 * page without sorting every row in scope. Each list keeps its own filters and row mapping.
 */
import { afterCursor, decodeCursor, keysOrder, listPage, orderByOf, page, type Cursor, type ListOrder, type ListQuery, type Page, type SortSpec } from '../http/paging';

export type { SortSpec } from '../http/paging';

type Where = Record<string, unknown>;
type OrderBy = Record<string, unknown>[];

/** What a list reads through: a Prisma model delegate (deps.prisma.case, deps.prisma.task …). */
export interface ListModel {
  findMany(args: { where: Where; orderBy: OrderBy; take: number; select?: Record<string, unknown> }): Promise<unknown[]>;
  findFirst(args: { where: Where; orderBy: OrderBy; skip: number; select: Record<string, unknown> }): Promise<unknown>;
}

/** A list's sorts by name, each with its default direction. */
export type SortTable<S extends string> = Record<S, SortSpec>;

/** The sort a query asks for: the table's entry, in the query's order when it gives one. */
export function sortOf<S extends string>(table: SortTable<S>, sort: S, order?: 'asc' | 'desc'): SortSpec {
  return { ...table[sort], dir: order ?? table[sort].dir };
}

/**
 * How many rows a list read walks in index order before it sorts the rest instead (the inbox by
 * due time per task state, case lists by report time): one page is found within it unless the
 * caller's filters are rare, and the fallback then costs what the plain sorted query did.
 */
export const INDEX_WALK = 2000;

/**
 * An index walk instead of one sorted query, over lanes that an index reads in the sort's order
 * (task states; the branches of the caller's scope): each lane's rows (its own conditions and the
 * list's filters) are read in index order up to an edge, the INDEX_WALK-th row of a window that
 * holds whatever the list's filters are (an index-only read), which stops after a page; past the
 * edge the rest is read sorted, as the single query would, only when fewer than a page were found.
 * With one window for every lane there is one edge, and the rest past it is one read of the whole
 * list; with a window per lane, each lane reads its own rest. A lane without a window (null) has
 * no edge: its rows are read in index order until a page (for lanes whose own conditions already
 * bound the index range, such as overdue cases of one status).
 */
export type IndexWalk = { window: Where[]; lanes: Where[][] } | { lanes: { window: Where[] | null; rows: Where[] }[] };

export interface SortedListQuery {
  sort: SortSpec;
  cursor?: string;
  limit: number;
  /** the list's filters (the caller's scope among them) */
  where: Where[];
  select: Record<string, unknown>;
  /** lanes for an index walk; none: one sorted query */
  walk?: IndexWalk;
  /**
   * Reads the page's rows by their ids in the sort's order, relations included, in one statement
   * (services/page-rows.ts); the list's query then reads ids only. Without it, Prisma reads `select`
   * (one statement per relation).
   */
  rows?: (ids: string[]) => Promise<unknown[]>;
}

/**
 * One page of a sorted list: the rows after the cursor, and the cursor of the next page (null
 * on the last). With a walk, the walk finds the page's ids and one read by `id IN (…)` in the
 * sort's order returns the rows, so ties fall as in one query.
 */
export async function sortedPage<Row extends Record<string, unknown>>(model: ListModel, q: SortedListQuery): Promise<Page<Row>> {
  const { sort, select } = q;
  const cursor = decodeCursor(sort, q.cursor);
  const where = [...q.where, afterCursor(sort, cursor)];
  const orderBy = orderByOf(sort);
  return page(sort, q.limit, async (take) => {
    if (q.rows) {
      const ids = q.walk ? await walkIds(model, sort, cursor, where, q.walk, take) : ((await model.findMany({ where: { AND: where }, orderBy, take, select: { id: true } })) as { id: string }[]).map((r) => r.id);
      return (await q.rows(ids)).slice(0, take) as Row[];
    }
    if (!q.walk) return (await model.findMany({ where: { AND: where }, orderBy, take, select })) as Row[];
    const ids = await walkIds(model, sort, cursor, where, q.walk, take);
    return (await model.findMany({ where: { id: { in: ids } }, orderBy, take, select })) as Row[];
  });
}

/**
 * One page of a list in a fixed order of its columns (the administration lists; paging.ts
 * ListOrder): the rows of `where` after the cursor in that order, as `view` shows them.
 */
export async function orderedPage<Row, View>(model: ListModel, q: ListQuery, order: ListOrder, defaultLimit: number, where: Where, select: Record<string, unknown>, view: (row: Row) => View): Promise<Page<View>> {
  const { items, nextCursor } = await listPage(q, order, defaultLimit, async (after, take) => (await model.findMany({ where: { AND: [where, after] }, select, orderBy: keysOrder(order), take })) as Record<string, unknown>[]);
  return { items: items.map((row) => view(row as Row)), nextCursor };
}

/** Rows up to and including `edge` (a row with a value) in the sort's order; afterCursor(sort, edge) is the rest. */
function upTo(sort: SortSpec, edge: Cursor): Where {
  const v = sort.kind === 'date' ? new Date(edge.v as string) : edge.v;
  return { OR: [{ [sort.field]: { [sort.dir === 'asc' ? 'lt' : 'gt']: v } }, { [sort.field]: v, id: { [sort.dir === 'asc' ? 'lte' : 'gte']: edge.id } }] };
}

/** The plain order of a sort (field, then id), for rows that all have a value: an index's order. */
function valueOrder(sort: SortSpec): OrderBy {
  return [{ [sort.field]: sort.dir }, { id: sort.dir }];
}

/**
 * The ids of the first `take` rows of the list (`where`, which holds the cursor's condition) by
 * the walk's lanes, in no particular order (the caller sorts them). A nullable sort reads the rows
 * without a value last, from the lanes that ended before an edge.
 */
async function walkIds(model: ListModel, sort: SortSpec, cursor: Cursor | null, where: Where[], walk: IndexWalk, take: number): Promise<string[]> {
  const byValue = valueOrder(sort);
  const sorted = orderByOf(sort);
  const afterStart = afterCursor(sort, cursor);
  const valued: Where[] = sort.nullable ? [{ [sort.field]: { not: null } }] : [];
  const idsOf = (w: Where[], orderBy: OrderBy, n: number) => model.findMany({ where: { AND: w }, orderBy, take: n, select: { id: true } }).then((rows) => (rows as { id: string }[]).map((r) => r.id));
  const edgeIn = async (window: Where[]): Promise<Cursor | null> => {
    const at = (await model.findFirst({ where: { AND: [...window, ...valued, afterStart] }, orderBy: byValue, skip: INDEX_WALK - 1, select: { id: true, [sort.field]: true } })) as Record<string, unknown> | null;
    return at && at[sort.field] != null ? { v: valueOf(at[sort.field]), id: at.id as string } : null;
  };
  const shared = 'window' in walk ? edgeIn(walk.window) : null;
  const lanes = await Promise.all(
    ('window' in walk ? walk.lanes.map((rows) => ({ rows, edge: shared! })) : walk.lanes.map((l) => ({ rows: l.rows, edge: l.window ? edgeIn(l.window) : Promise.resolve(null) }))).map(async (l) => {
      const rows = [...l.rows, afterStart];
      const edge = await l.edge;
      const near = await idsOf([...rows, ...valued, ...(edge ? [upTo(sort, edge)] : [])], byValue, take);
      // a lane's own rest after its edge (with the rows without a value), sorted
      const rest = !shared && edge && near.length < take ? await idsOf([...rows, afterCursor(sort, edge)], sorted, take - near.length) : [];
      return { rows, edge, ids: [...near, ...rest] };
    }),
  );
  const ids = new Set(lanes.flatMap((l) => l.ids));
  // one edge for all lanes: the list's rest after it
  const edge = await shared;
  if (edge && ids.size < take) (await idsOf([...where, afterCursor(sort, edge)], byValue, take)).forEach((id) => ids.add(id));
  // rows without a value come last: needed only when fewer than a page have one
  if (sort.nullable && ids.size < take) {
    const nulls = await Promise.all(lanes.filter((l) => !l.edge).map((l) => idsOf([...l.rows, { [sort.field]: null }], sorted, take)));
    nulls.flat().forEach((id) => ids.add(id));
  }
  return [...ids];
}

const valueOf = (v: unknown): string | number => (v instanceof Date ? v.toISOString() : (v as number));
