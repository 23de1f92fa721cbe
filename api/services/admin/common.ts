/** Paging, "in use" and duplicate-key answers shared by the administration services. */
import { conflict, text, type DomainError } from '../../http/errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** skip/take of a page (page 1 is the first). */
export function pageArgs(q: PageQuery): { skip: number; take: number; page: number; pageSize: number } {
  const page = q.page ?? 1;
  const pageSize = Math.min(q.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return { skip: (page - 1) * pageSize, take: pageSize, page, pageSize };
}

export async function paged<T, R>(q: PageQuery, count: () => Promise<number>, rows: (skip: number, take: number) => Promise<T[]>, view: (row: T) => R): Promise<Page<R>> {
  const { skip, take, page, pageSize } = pageArgs(q);
  const [total, items] = await Promise.all([count(), rows(skip, take)]);
  return { items: items.map(view), page, pageSize, total };
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
