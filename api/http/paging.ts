/**
 * Keyset (cursor) pagination: a page ends with an opaque cursor holding the last item's sort value
 * and id; the next page starts strictly after it, so inserts and deletes meanwhile neither repeat
 * nor skip items. Nullable sort fields put nulls last in both directions.
 */
import { badRequest, text } from './errors';

export interface SortSpec {
  field: string;
  dir: 'asc' | 'desc';
  kind: 'date' | 'int';
  nullable: boolean;
}

type Where = Record<string, unknown>;

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
    throw badRequest('query.cursor', text('分页游标无效（或排序方式已改变）', 'the cursor is invalid (or the sort order changed)'));
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
  const rows = await fetch(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(spec, items[items.length - 1]) : null };
}

/**
 * How many rows a list read walks in index order before it sorts the rest instead (the inbox by
 * due time per task state, case lists by report time): one page is found within it unless the
 * caller's filters are rare, and the fallback then costs what the plain sorted query did.
 */
export const INDEX_WALK = 2000;

/** Rows up to and including `edge` (a row with a value) in the spec's order; afterCursor(spec, edge) is the rest. */
export function upTo(spec: SortSpec, edge: Cursor): Where {
  const v = spec.kind === 'date' ? new Date(edge.v as string) : edge.v;
  return { OR: [{ [spec.field]: { [spec.dir === 'asc' ? 'lt' : 'gt']: v } }, { [spec.field]: v, id: { [spec.dir === 'asc' ? 'lte' : 'gte']: edge.id } }] };
}

/** The plain order of a sort (field, then id), for rows that all have a value. */
export function valueOrder(spec: SortSpec): Where[] {
  return [{ [spec.field]: spec.dir }, { id: spec.dir }];
}
