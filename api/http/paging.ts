/**
 * Keyset (cursor) pagination: a page ends with an opaque cursor holding the last item's sort value
 * and id; the next page starts strictly after it, so inserts and deletes meanwhile neither repeat
 * nor skip items. Nullable sort fields put nulls last in both directions.
 */
import { text } from '../services/errors';
import { badRequest } from './errors';

export interface SortSpec {
  field: string;
  dir: 'asc' | 'desc';
  kind: 'date' | 'int';
  nullable: boolean;
}

type Where = Record<string, unknown>;

const badCursor = () => badRequest('query.cursor', text('分页游标无效（或排序方式已改变）', 'the cursor is invalid (or the sort order changed)'));

export interface Cursor {
  v: string | number | null;
  id: string | number;
}

export function encodeCursor(spec: SortSpec, item: Record<string, unknown>): string {
  const raw = item[spec.field];
  const v = raw instanceof Date ? raw.toISOString() : raw === null || raw === undefined ? null : (raw as number);
  return Buffer.from(JSON.stringify({ f: spec.field, d: spec.dir, v, id: item.id })).toString('base64url');
}

export function decodeCursor(spec: SortSpec, cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { f: string; d: string; v: unknown; id: unknown };
    if (c.f !== spec.field || c.d !== spec.dir) throw new Error('sort changed');
    if (!(typeof c.id === 'string' || typeof c.id === 'number')) throw new Error('id');
    if (c.v !== null && typeof c.v !== (spec.kind === 'date' ? 'string' : 'number')) throw new Error('value');
    if (spec.kind === 'date' && c.v !== null && Number.isNaN(Date.parse(c.v as string))) throw new Error('date');
    return { v: c.v as string | number | null, id: c.id };
  } catch {
    throw badCursor();
  }
}

export function orderByOf(spec: SortSpec): Where[] {
  return [spec.nullable ? { [spec.field]: { sort: spec.dir, nulls: 'last' } } : { [spec.field]: spec.dir }, { id: spec.dir }];
}

/** The filter "after the cursor" for this sort. */
export function afterCursor(spec: SortSpec, c: Cursor | null): Where {
  if (!c) return {};
  const beyond = spec.dir === 'asc' ? 'gt' : 'lt';
  if (c.v === null) return { [spec.field]: null, id: { [beyond]: c.id } };
  const v = spec.kind === 'date' ? new Date(c.v as string) : c.v;
  const or: Where[] = [{ [spec.field]: { [beyond]: v } }, { [spec.field]: v, id: { [beyond]: c.id } }];
  if (spec.nullable) or.push({ [spec.field]: null });
  return { OR: or };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Fetches limit+1 rows to know whether a next page exists. */
export async function page<T extends Record<string, unknown>>(spec: SortSpec, limit: number, fetch: (take: number) => Promise<T[]>): Promise<Page<T>> {
  return pageOf(await fetch(limit + 1), limit, (last) => encodeCursor(spec, last));
}

/** A page of `limit` items from limit+1 rows read, with the cursor after its last item when more remain. */
function pageOf<T>(rows: T[], limit: number, cursorAfter: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorAfter(items[items.length - 1]) : null };
}

/**
 * Keyset pages over a fixed order of several columns (the administration lists: categories by
 * level, parent, position and code; grids by their unit's code …): the cursor holds the last
 * item's value of each key, the next page starts strictly after it. The last key must be unique.
 * `values` lists an enum's values in their declared order (MySQL sorts an ENUM so, and Prisma
 * cannot compare one with lt/gt); a nullable key sorts its nulls first ascending and last
 * descending, as MySQL does.
 */
export interface ListKey {
  /** a column, or a to-one relation's column as `relation.column` */
  field: string;
  dir: 'asc' | 'desc';
  kind: 'string' | 'int' | 'date' | 'enum';
  nullable?: boolean;
  values?: readonly string[];
}

export interface ListOrder {
  /** names the order in the cursor, so a cursor of another list is refused */
  name: string;
  keys: ListKey[];
}

export interface ListQuery {
  cursor?: string;
  limit?: number;
}


const valueAt = (row: Record<string, unknown>, field: string): unknown => field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | null | undefined)?.[k], row);
const nest = (field: string, cond: unknown): Where => field.split('.').reduceRight<Where>((inner, k, i, all) => ({ [k]: i === all.length - 1 ? cond : inner }), {} as Where);

/** The database order of a list order: its keys in turn. */
export function keysOrder(order: ListOrder): Where[] {
  return order.keys.map((k) => nest(k.field, k.dir));
}

/** The cursor after this row in a list order. */
export function encodeKeys(order: ListOrder, row: Record<string, unknown>): string {
  const v = order.keys.map((k) => {
    const x = valueAt(row, k.field);
    return x instanceof Date ? x.toISOString() : (x ?? null);
  });
  return Buffer.from(JSON.stringify({ o: order.name, v })).toString('base64url');
}

/** The key values a cursor holds (null: no cursor); 400 naming query.cursor when it is not one of this order's. */
export function decodeKeys(order: ListOrder, cursor: string | undefined): unknown[] | null {
  if (!cursor) return null;
  let c: { o?: unknown; v?: unknown };
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof c;
  } catch {
    throw badCursor();
  }
  if (!c || c.o !== order.name || !Array.isArray(c.v) || c.v.length !== order.keys.length) throw badCursor();
  return order.keys.map((k, i) => {
    const x = (c.v as unknown[])[i];
    if (x === null && k.nullable) return null;
    // values the database can compare (an INT column, a DATETIME year): anything else is not a cursor the API made
    if (k.kind === 'int' && Number.isInteger(x) && Math.abs(x as number) <= 2147483647) return x;
    if (k.kind === 'string' && typeof x === 'string') return x;
    if (k.kind === 'enum' && typeof x === 'string' && k.values?.includes(x)) return x;
    if (k.kind === 'date' && typeof x === 'string' && Number.isFinite(Date.parse(x)) && new Date(x).getUTCFullYear() >= 1000 && new Date(x).getUTCFullYear() <= 9999) return new Date(x);
    throw badCursor();
  });
}

/** The rows strictly after `v` in the key's direction (null: none). */
function beyond(k: ListKey, v: unknown): Where | null {
  if (v === null) return k.dir === 'asc' ? nest(k.field, { not: null }) : null;
  let cond: Where;
  if (k.kind === 'enum') {
    const i = k.values!.indexOf(v as string);
    const rest = k.dir === 'asc' ? k.values!.slice(i + 1) : k.values!.slice(0, i);
    if (!rest.length && !(k.nullable && k.dir === 'desc')) return null;
    cond = nest(k.field, { in: rest });
  } else cond = nest(k.field, { [k.dir === 'asc' ? 'gt' : 'lt']: v });
  return k.nullable && k.dir === 'desc' ? { OR: [cond, nest(k.field, null)] } : cond;
}

/** The filter "after the cursor" for a list order: (k1 > v1) or (k1 = v1 and k2 > v2) or … */
function afterKeys(order: ListOrder, values: unknown[] | null): Where {
  if (!values) return {};
  const or: Where[] = [];
  order.keys.forEach((k, i) => {
    const past = beyond(k, values[i]);
    if (past) or.push({ AND: [...order.keys.slice(0, i).map((e, j) => nest(e.field, values[j])), past] });
  });
  return { OR: or };
}

/** One page of a list in a fixed order: `fetch` gets the filter "after the cursor" to AND with its own, and how many rows to take. */
export async function listPage<T extends Record<string, unknown>>(q: ListQuery, order: ListOrder, defaultLimit: number, fetch: (after: Where, take: number) => Promise<T[]>): Promise<Page<T>> {
  const limit = q.limit ?? defaultLimit;
  return pageOf(await fetch(afterKeys(order, decodeKeys(order, q.cursor)), limit + 1), limit, (last) => encodeKeys(order, last));
}
