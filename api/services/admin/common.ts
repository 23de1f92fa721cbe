/** Paging, "in use" and duplicate-key answers shared by the administration services. */
import { conflict, type DomainError, text } from '../errors';
import { listPage, type ListOrder, type ListQuery, type Page } from '../../http/paging';

export type { ListOrder, Page } from '../../http/paging';

export const DEFAULT_PAGE_SIZE = 20;

/** The query of an administration list: cursor pages as the case list has them (cursor, limit). */
export type PageQuery = ListQuery;

/**
 * One page of an administration list in its fixed order (api/http/paging.ts listPage): the rows
 * after the cursor, and the cursor of the next page (null on the last).
 */
export async function paged<T extends Record<string, unknown>, R>(q: PageQuery, order: ListOrder, rows: (after: object, take: number) => Promise<T[]>, view: (row: T) => R): Promise<Page<R>> {
  const page = await listPage(q, order, DEFAULT_PAGE_SIZE, rows);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

/** One kind of thing that still uses a record, with how many there are. */
export interface Use {
  /** stable name for clients: "children", "cases", "members" … */
  what: string;
  count: number;
  zh: string;
  en: string;
}

/** 409 IN_USE naming every kind of thing that still uses the record; nothing when none does. */
export function refuseInUse(field: string, thing: { zh: string; en: string }, uses: Use[]): void {
  const used = uses.filter((u) => u.count > 0);
  if (!used.length) return;
  throw conflict(
    field,
    text(
      `${thing.zh}仍在使用中，不能删除：${used.map((u) => `${u.zh} ${u.count} 个`).join('、')}`,
      `the ${thing.en} is in use and cannot be deleted: ${used.map((u) => `${u.count} ${u.en}`).join(', ')}`,
    ),
    'IN_USE',
    { usedBy: Object.fromEntries(used.map((u) => [u.what, u.count])) },
  );
}

export function duplicate(field: string, zh: string, en: string, value: unknown): DomainError {
  return conflict(field, text(`${zh} ${String(value)} 已存在`, `${en} ${String(value)} already exists`), 'DUPLICATE');
}

/** A unique-key violation raised by the database (a concurrent write won the race). */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === 'P2002';
}

/** Runs a write; a unique-key violation it raises becomes a 409 naming `field`. */
export async function uniquely<T>(write: () => Promise<T>, field: string, zh: string, en: string, value: unknown): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate(field, zh, en, value);
    throw e;
  }
}
