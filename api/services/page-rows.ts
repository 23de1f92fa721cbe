/**
 * A page's rows with their many-to-one relations in one statement. Prisma reads a select with
 * relations as one statement per relation (a task view's page: the tasks, then their assignees,
 * units, departments, cases, and the cases' categories, units, grids and the grids' units); here the
 * same rows come from one SELECT with LEFT JOINs, in the shape Prisma gives (the same keys, a
 * relation without a row as null, dates as Date, decimals as Decimal, JSON parsed), in the list's
 * order (services/lists.ts).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import type { SortSpec } from '../http/paging';

/** A table's columns to read and its relations to join: each through a column of this table naming the other's `id`. */
export interface RowShape {
  table: string;
  columns: readonly string[];
  relations?: Record<string, { via: string; shape: RowShape }>;
  /** columns after the relations (a select's keys keep their order in Prisma's rows) */
  tail?: readonly string[];
}

const name = (s: string) => `\`${s.replace(/`/g, '``')}\``;

interface Built {
  select: string[];
  joins: string[];
}

function build(shape: RowShape, alias: string, path: string, out: Built, next: { n: number }): void {
  out.select.push(`${alias}.\`id\` AS ${name(`${path}$id`)}`);
  for (const c of [...shape.columns, ...(shape.tail ?? [])]) out.select.push(`${alias}.${name(c)} AS ${name(path + c)}`);
  for (const [rel, { via, shape: sub }] of Object.entries(shape.relations ?? {})) {
    const a = `j${next.n++}`;
    out.joins.push(`LEFT JOIN ${name(sub.table)} ${a} ON ${a}.\`id\` = ${alias}.${name(via)}`);
    build(sub, a, `${path}${rel}.`, out, next);
  }
}

function unflatten(shape: RowShape, row: Record<string, unknown>, path: string): Record<string, unknown> | null {
  if (row[`${path}$id`] === null || row[`${path}$id`] === undefined) return null;
  const o: Record<string, unknown> = {};
  for (const c of shape.columns) o[c] = row[path + c];
  for (const [rel, { shape: sub }] of Object.entries(shape.relations ?? {})) o[rel] = unflatten(sub, row, `${path}${rel}.`);
  for (const c of shape.tail ?? []) o[c] = row[path + c];
  return o;
}

/** The rows with these ids, in the sort's order (nulls last for a nullable sort, then by id, as orderByOf in api/http/paging.ts). */
export async function rowsByIds<Row>(prisma: PrismaClient, shape: RowShape, ids: readonly string[], sort: SortSpec): Promise<Row[]> {
  if (!ids.length) return [];
  const built: Built = { select: [], joins: [] };
  build(shape, 'r', '', built, { n: 0 });
  const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
  const field = `r.${name(sort.field)}`;
  const order = [...(sort.nullable ? [`${field} IS NULL ASC`] : []), `${field} ${dir}`, `r.\`id\` ${dir}`].join(', ');
  const sql = `SELECT ${built.select.join(', ')} FROM ${name(shape.table)} r ${built.joins.join(' ')} WHERE r.\`id\` IN (${ids.map(() => '?').join(', ')}) ORDER BY ${order}`;
  const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...ids);
  return rows.map((row) => unflatten(shape, row, '') as Row);
}
