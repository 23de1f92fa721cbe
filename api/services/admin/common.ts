/**
 * What the administration services share: list pages, "not found" (and out of the caller's
 * scope, which is not shown either), "in use", duplicate keys, and the times of a record.
 */
import { Prisma, type PrismaClient } from '../../../generated/prisma/client';
import { conflict, notFound, text, type DomainError } from '../errors';
import { recordAdminChange, type AdminActor, type AdminChange } from './audit';
import type { ListOrder, ListQuery, Page } from '../../http/paging';
import { orderedPage, type ListModel } from '../lists';
import { inScope, type AdminScope } from './scope';

export type { ListOrder, Page } from '../../http/paging';

export const DEFAULT_PAGE_SIZE = 20;

/** The query of an administration list: cursor pages as the case list has them (cursor, limit). */
export type PageQuery = ListQuery;

/**
 * One page of an administration list in its fixed order (services/lists.ts orderedPage): the rows
 * of `where` after the cursor, as `view` shows them, and the cursor of the next page (null on the last).
 */
export function paged<Row, View>(model: ListModel, q: PageQuery, order: ListOrder, where: object, select: Record<string, unknown>, view: (row: Row) => View): Promise<Page<View>> {
  return orderedPage(model, q, order, DEFAULT_PAGE_SIZE, where as Record<string, unknown>, select, view);
}

/** A kind of record, named in both languages ("组织单元", "org unit"). */
export interface Thing {
  zh: string;
  en: string;
}

/** Not found: the record does not exist (or, to the caller, is not shown). */
export function missing(thing: Thing, id: unknown, input = 'id'): DomainError {
  return notFound(input, text(`${thing.zh} ${String(id)} 不存在`, `${thing.en} ${String(id)} does not exist`));
}

/** The row if it exists and lies in the caller's scope (by its org path); otherwise not found, so what is outside is not shown. */
export function scoped<R>(row: R | null, scope: AdminScope, pathOf: (row: R) => string, thing: Thing, id: unknown, input = 'id'): R {
  if (!row || !inScope(scope, pathOf(row))) throw missing(thing, id, input);
  return row;
}

/** The columns of a node of a coded tree (the category tree, the org tree): its code, its names in both languages, its level and its parent. */
export const TREE_NODE = { id: true, code: true, name: true, nameEn: true, level: true, parentId: true } as const;

/** The columns of a record's times (when it was created and last changed), shown by `stamps`. */
export const TIMES = { createdAt: true, updatedAt: true } as const;

/** A record's times as the API shows them. */
export const stamps = (r: { createdAt: Date; updatedAt: Date }) => ({ createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/** One kind of thing that still uses a record, with how many there are. */
export interface Use {
  /** stable name for clients: "children", "cases", "members" … */
  what: string;
  count: number;
  zh: string;
  en: string;
}

/** A conflict IN_USE naming every kind of thing that still uses the record; nothing when none does. */
export function refuseInUse(input: string, thing: Thing, uses: Use[]): void {
  const used = uses.filter((u) => u.count > 0);
  if (!used.length) return;
  throw conflict(
    input,
    text(
      `${thing.zh}仍在使用中，不能删除：${used.map((u) => `${u.zh} ${u.count} 个`).join('、')}`,
      `the ${thing.en} is in use and cannot be deleted: ${used.map((u) => `${u.count} ${u.en}`).join(', ')}`,
    ),
    'IN_USE',
    { usedBy: Object.fromEntries(used.map((u) => [u.what, u.count])) },
  );
}

/** A record to delete: its table and id (the row is locked first, so nothing is attached to it between the check and the delete), what it is, and the input naming it (default `id`). */
export interface Doomed {
  table: 'categories' | 'departments' | 'org_units' | 'users';
  id: number;
  thing: Thing;
  input?: string;
}

/** How to delete a record that nothing may still use. */
export interface Deletion<Before> {
  /** what still uses the record (any check that it exists comes first) */
  uses(tx: Prisma.TransactionClient): Promise<Use[]>;
  /** the record as the audit log keeps it */
  before(tx: Prisma.TransactionClient): Promise<Before>;
  remove(tx: Prisma.TransactionClient): Promise<unknown>;
  /** the audit entry of the deletion */
  entry(before: Before): AdminChange;
}

/** Deletes a record nothing uses, with its audit entry, in one transaction (otherwise a conflict IN_USE and nothing written). */
export function deleteUnused<Before>(prisma: PrismaClient, actor: AdminActor, record: Doomed, d: Deletion<Before>): Promise<void> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM ${Prisma.raw(record.table)} WHERE id = ${record.id} FOR UPDATE`;
    refuseInUse(record.input ?? 'id', record.thing, await d.uses(tx));
    const before = await d.before(tx);
    await d.remove(tx);
    await recordAdminChange(tx, actor, d.entry(before));
  });
}

export function duplicate(input: string, zh: string, en: string, value: unknown): DomainError {
  return conflict(input, text(`${zh} ${String(value)} 已存在`, `${en} ${String(value)} already exists`), 'DUPLICATE');
}

/** A unique-key violation raised by the database (a concurrent write won the race). */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === 'P2002';
}

/** Runs a write; a unique-key violation it raises becomes `refusal` (a conflict). */
export async function unlessTaken<T>(write: () => Promise<T>, refusal: () => DomainError): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isUniqueViolation(e)) throw refusal();
    throw e;
  }
}

/** Runs a write; a unique-key violation it raises becomes a conflict DUPLICATE naming `input`. */
export function uniquely<T>(write: () => Promise<T>, input: string, zh: string, en: string, value: unknown): Promise<T> {
  return unlessTaken(write, () => duplicate(input, zh, en, value));
}
