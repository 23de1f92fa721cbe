/**
 * Exports of the case search (GET /api/cases/export): the cases a search finds, each with its
 * history, as
 *   - XLSX (exceljs): a sheet 案件, one row per case, and a sheet 办理记录, one row per history
 *     row (case number, seq, time, action in words and as recorded, actor, tier, statuses,
 *     reason, data, hashes), so an auditor can re-check the chain offline;
 *   - CSV: UTF-8 with a BOM (Excel then reads the Chinese), one row per history row carrying its
 *     case's columns: one flat table that filters and pivots like the two sheets joined.
 * Times are Beijing time. At most the search limit of cases (more: a 422 asking to narrow the
 * search); read in batches and streamed, so memory holds a batch, not the file.
 * Each export is recorded in case_exports before its first byte leaves (who, when, filters,
 * format, cases), then marked COMPLETED with the history rows written, or FAILED.
 */
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Prisma } from '../../generated/prisma/client';
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { listPage, type ListOrder } from '../http/paging';
import type { Locale } from '../i18n';
import { readScope } from './admin/scope';
import { csvCell, ENDED_STATUSES, type CaseFilters } from './cases';
import { chunks, searchIds } from './case-search';
import { actionWord, channelWord, statusWord, tierWord, yesNo } from './case-words';

export type ExportFormat = 'csv' | 'xlsx';
export interface ExportQuery extends CaseFilters {
  format: ExportFormat;
}

/** Who may export: auditors, supervisors, administrators. */
export const EXPORTERS = ['AUDITOR', 'SUPERVISOR', 'ADMINISTRATOR'] as const;

export const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Cases read (with their history) per database round. */
const BATCH = 200;

const BEIJING_MS = 8 * 3600 * 1000;
/** Beijing wall time as text (CSV) … */
const beijingText = (d: Date) => new Date(d.getTime() + BEIJING_MS).toISOString().replace('T', ' ').slice(0, 19);
/** … and as a spreadsheet date, which has no time zone: a Date whose UTC fields are Beijing's. */
const beijingCell = (d: Date) => new Date(d.getTime() + BEIJING_MS);
const beijingDay = (d: Date) => new Date(d.getTime() + BEIJING_MS).toISOString().slice(0, 10);

const CASE_SELECT = {
  id: true,
  description: true,
  address: true,
  status: true,
  statusLabel: true,
  currentTier: true,
  channel: true,
  severity: true,
  reporterName: true,
  reportedAt: true,
  acceptedAt: true,
  dueAt: true,
  closedAt: true,
  closedTier: true,
  auditHeadHash: true,
  category: { select: { code: true, name: true, nameEn: true, parent: { select: { name: true, nameEn: true } } } },
  district: { select: { name: true } },
  township: { select: { name: true } },
  village: { select: { name: true } },
  grid: { select: { orgUnit: { select: { name: true } } } },
  currentUnit: { select: { name: true } },
  rating: { select: { score: true, comment: true } },
  _count: { select: { events: true } },
} satisfies Prisma.CaseSelect;

type CaseRow = Prisma.CaseGetPayload<{ select: typeof CASE_SELECT }>;
type EventRow = Prisma.CaseEventGetPayload<object>;

interface CaseLine {
  c: CaseRow;
  /** passed up a tier at least once (an escalate row) */
  escalated: boolean;
  /** ever overdue (an overdue row) */
  wasOverdue: boolean;
  now: Date;
}

type Cell = string | number | Date | null;
interface Column<T> {
  zh: string;
  en: string;
  width: number;
  date?: boolean;
  value: (x: T, l: Locale) => Cell;
}

const heading = (c: { zh: string; en: string }, l: Locale) => (l === 'en' ? c.en : c.zh);
const named = (x: { name: string; nameEn?: string | null } | null | undefined, l: Locale) => (x ? (l === 'en' && x.nameEn ? x.nameEn : x.name) : '');
const overdueNow = (x: CaseLine) => !(ENDED_STATUSES as readonly string[]).includes(x.c.status) && x.c.dueAt !== null && x.c.dueAt < x.now;

export const CASE_COLUMNS: Column<CaseLine>[] = [
  { zh: '案件编号', en: 'Case number', width: 20, value: (x) => x.c.id },
  { zh: '大类', en: 'Class', width: 12, value: (x, l) => named(x.c.category?.parent, l) || named(x.c.category, l) },
  { zh: '小类', en: 'Category', width: 14, value: (x, l) => (x.c.category?.parent ? named(x.c.category, l) : '') },
  { zh: '分类编码', en: 'Category code', width: 10, value: (x) => x.c.category?.code ?? '' },
  { zh: '问题描述', en: 'Description', width: 40, value: (x) => x.c.description },
  { zh: '地址', en: 'Address', width: 28, value: (x) => x.c.address ?? '' },
  { zh: '区', en: 'District', width: 10, value: (x) => x.c.district.name },
  { zh: '街道', en: 'Street', width: 12, value: (x) => x.c.township?.name ?? '' },
  { zh: '社区', en: 'Community', width: 14, value: (x) => x.c.village?.name ?? '' },
  { zh: '网格', en: 'Grid', width: 20, value: (x) => x.c.grid?.orgUnit.name ?? '' },
  { zh: '来源', en: 'Channel', width: 12, value: (x, l) => channelWord(x.c.channel, l) },
  { zh: '状态', en: 'Status', width: 10, value: (x, l) => statusWord(x.c.status, l) },
  { zh: '当前层级', en: 'Tier', width: 10, value: (x, l) => tierWord(x.c.currentTier, l) },
  { zh: '当前办理单位', en: 'Handling unit', width: 16, value: (x) => x.c.currentUnit.name },
  { zh: '上报人', en: 'Reporter', width: 10, value: (x) => x.c.reporterName ?? '' },
  { zh: '上报时间（北京时间）', en: 'Reported (Beijing time)', width: 20, date: true, value: (x) => x.c.reportedAt },
  { zh: '受理时间', en: 'Accepted', width: 20, date: true, value: (x) => x.c.acceptedAt },
  { zh: '办理时限', en: 'Due', width: 20, date: true, value: (x) => x.c.dueAt },
  { zh: '结案时间', en: 'Closed', width: 20, date: true, value: (x) => x.c.closedAt },
  { zh: '结案层级', en: 'Closed at tier', width: 10, value: (x, l) => tierWord(x.c.closedTier, l) },
  { zh: '当前超期', en: 'Overdue now', width: 9, value: (x, l) => yesNo(overdueNow(x), l) },
  { zh: '曾超期', en: 'Was overdue', width: 9, value: (x, l) => yesNo(x.wasOverdue, l) },
  { zh: '逐级上报', en: 'Escalated', width: 9, value: (x, l) => yesNo(x.escalated, l) },
  { zh: '满意度', en: 'Rating', width: 8, value: (x) => x.c.rating?.score ?? null },
  { zh: '评价内容', en: 'Rating comment', width: 24, value: (x) => x.c.rating?.comment ?? '' },
  { zh: '办理记录数', en: 'History rows', width: 10, value: (x) => x.c._count.events },
  { zh: '链头哈希', en: 'Chain head hash', width: 20, value: (x) => x.c.auditHeadHash ?? '' },
];

export const EVENT_COLUMNS: Column<EventRow>[] = [
  { zh: '案件编号', en: 'Case number', width: 20, value: (e) => e.caseId },
  { zh: '序号', en: 'Seq', width: 6, value: (e) => e.seq },
  { zh: '时间（北京时间）', en: 'Time (Beijing time)', width: 20, date: true, value: (e) => e.createdAt },
  { zh: '操作', en: 'Action', width: 12, value: (e, l) => actionWord(e.action, l) },
  { zh: '操作代码', en: 'Action code', width: 12, value: (e) => e.action },
  { zh: '操作人', en: 'Actor', width: 10, value: (e) => e.actorName },
  { zh: '层级', en: 'Tier', width: 10, value: (e, l) => tierWord(e.tier, l) },
  { zh: '原状态', en: 'From status', width: 10, value: (e, l) => statusWord(e.fromStatus, l) },
  { zh: '新状态', en: 'To status', width: 10, value: (e, l) => statusWord(e.toStatus, l) },
  { zh: '原因/说明', en: 'Reason', width: 24, value: (e) => e.reason ?? '' },
  { zh: '数据', en: 'Data', width: 30, value: (e) => JSON.stringify(e.payload ?? null) },
  { zh: '前一哈希', en: 'Previous hash', width: 20, value: (e) => e.prevHash },
  { zh: '哈希', en: 'Hash', width: 20, value: (e) => e.hash },
];

/** The cases of one batch in the order of `ids`, with their flags and, when asked, their history. */
async function readBatch(deps: ApiDeps, ids: string[], now: Date, withEvents: boolean) {
  const [cases, marks, events] = await Promise.all([
    deps.prisma.case.findMany({ where: { id: { in: ids } }, select: CASE_SELECT }),
    deps.prisma.caseEvent.groupBy({ by: ['caseId', 'action'], where: { caseId: { in: ids }, action: { in: ['escalate', 'overdue'] } } }),
    withEvents ? deps.prisma.caseEvent.findMany({ where: { caseId: { in: ids } }, orderBy: [{ caseId: 'asc' }, { seq: 'asc' }] }) : Promise.resolve([] as EventRow[]),
  ]);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const marked = new Set(marks.map((m) => `${m.caseId} ${m.action}`));
  const history = new Map<string, EventRow[]>();
  for (const e of events) {
    let list = history.get(e.caseId);
    if (!list) history.set(e.caseId, (list = []));
    list.push(e);
  }
  return ids
    .filter((id) => byId.has(id))
    .map((id) => ({ line: { c: byId.get(id)!, escalated: marked.has(`${id} escalate`), wasOverdue: marked.has(`${id} overdue`), now } as CaseLine, events: history.get(id) ?? [] }));
}

/** Events of a batch of cases, in case then seq order. */
async function readEvents(deps: ApiDeps, ids: string[]) {
  const rows = await deps.prisma.caseEvent.findMany({ where: { caseId: { in: ids } }, orderBy: [{ caseId: 'asc' }, { seq: 'asc' }] });
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.caseId)! - order.get(b.caseId)! || a.seq - b.seq);
}

/**
 * A response body written through a PassThrough piped into it (not ended with it): `failed`
 * rejects as soon as the client goes away, so a writer stops instead of waiting for a drain that
 * never comes; `written` resolves once the writer ended the PassThrough and all of it was handed
 * on. The export is marked COMPLETED then, before `finish` ends the response, so a client holding
 * the whole file finds its export COMPLETED.
 */
class Delivery {
  readonly stream = new PassThrough();
  readonly written: Promise<void>;
  readonly failed: Promise<never>;
  private failure: Error | null = null;

  constructor(private readonly out: Writable) {
    this.failed = new Promise<never>((_resolve, reject) => {
      const fail = (e?: unknown) => {
        if (this.failure) return;
        this.failure = e instanceof Error ? e : new Error('the download broke off');
        reject(this.failure);
      };
      out.on('error', fail);
      out.once('close', () => {
        if (!out.writableFinished) fail();
      });
      this.stream.on('error', fail);
    });
    this.failed.catch(() => undefined);
    this.written = Promise.race([once(this.stream, 'end').then(() => undefined), this.failed]);
    this.written.catch(() => undefined);
    this.stream.pipe(out, { end: false });
  }

  check(): void {
    if (this.failure) throw this.failure;
  }

  async write(chunk: string): Promise<void> {
    this.check();
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), this.failed]);
  }

  /** Ends the response once everything is handed on. */
  async finish(): Promise<void> {
    this.check();
    this.out.end();
    await Promise.race([once(this.out, 'finish'), this.failed]);
  }
}

const csvLine = (cells: Cell[]) => cells.map((v) => csvCell(v instanceof Date ? beijingText(v) : v)).join(',') + '\r\n';

async function writeCsv(deps: ApiDeps, ids: string[], d: Delivery, l: Locale, now: Date): Promise<number> {
  let rows = 0;
  // the BOM makes Excel read the file as UTF-8
  await d.write('\uFEFF' + csvLine([...CASE_COLUMNS.map((c) => heading(c, l)), ...EVENT_COLUMNS.slice(1).map((c) => heading(c, l))]));
  for (const part of chunks(ids, BATCH)) {
    let text = '';
    for (const { line, events } of await readBatch(deps, part, now, true)) {
      const caseCells = CASE_COLUMNS.map((c) => c.value(line, l));
      if (!events.length) text += csvLine([...caseCells, ...EVENT_COLUMNS.slice(1).map(() => null)]);
      for (const e of events) text += csvLine([...caseCells, ...EVENT_COLUMNS.slice(1).map((c) => c.value(e, l))]);
      rows += events.length;
    }
    await d.write(text);
  }
  d.stream.end();
  await d.written;
  return rows;
}

function sheetOf<T>(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: Column<T>[], l: Locale) {
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({ key: `c${i}`, width: c.width, ...(c.date ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}) }));
  const header = sheet.addRow(columns.map((c) => heading(c, l)));
  header.font = { bold: true };
  header.commit();
  return {
    add: (x: T) => sheet.addRow(columns.map((c) => ((v) => (v instanceof Date ? beijingCell(v) : v))(c.value(x, l)))).commit(),
    commit: () => sheet.commit(),
  };
}

async function writeXlsx(deps: ApiDeps, ids: string[], d: Delivery, l: Locale, now: Date): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: d.stream, useStyles: true, useSharedStrings: false });
  wb.creator = 'GridCase';
  wb.created = now;
  // the sheets one after the other: a stream writer keeps a sheet in memory until it is committed
  const cases = sheetOf(wb, l === 'en' ? 'Cases' : '案件', CASE_COLUMNS, l);
  for (const part of chunks(ids, BATCH)) {
    d.check();
    for (const { line } of await readBatch(deps, part, now, false)) cases.add(line);
  }
  cases.commit();
  const history = sheetOf(wb, l === 'en' ? 'History' : '办理记录', EVENT_COLUMNS, l);
  let rows = 0;
  for (const part of chunks(ids, BATCH)) {
    d.check();
    for (const e of await readEvents(deps, part)) {
      history.add(e);
      rows++;
    }
  }
  history.commit();
  await Promise.race([wb.commit(), d.failed]);
  await d.written;
  return rows;
}

/** The attachment's name: the report-time range of the search (its last day inclusive), else the closing-time range, else up to today. */
export function exportFileName(q: CaseFilters, format: ExportFormat, now: Date): string {
  const first = (iso: string) => beijingDay(new Date(iso));
  const last = (iso: string) => beijingDay(new Date(Date.parse(iso) - 1));
  const range = (after?: string, before?: string) => `${after ? first(after) : 'start'}_${before ? last(before) : beijingDay(now)}`;
  if (q.createdAfter || q.createdBefore) return `cases_${range(q.createdAfter, q.createdBefore)}.${format}`;
  if (q.closedAfter || q.closedBefore) return `cases_closed_${range(q.closedAfter, q.closedBefore)}.${format}`;
  return `cases_until_${beijingDay(now)}.${format}`;
}

/** The unit whose role lets the caller export (the highest, when several): the auditors and administrators of its subtree read the record. */
function exporterPath(c: Caller): string {
  const held = c.memberships.filter((m) => (EXPORTERS as readonly string[]).includes(m.role));
  const units = held.filter((m) => m.departmentId === null);
  return (units.length ? units : held).map((m) => m.orgPath).sort((a, b) => a.length - b.length)[0] ?? '/';
}

export interface ExportPlan {
  id: number;
  ids: string[];
  format: ExportFormat;
  fileName: string;
  now: Date;
}

/**
 * Finds the cases (a 422 beyond the limit, nothing recorded) and records the export: call before
 * the response starts.
 */
export async function startExport(deps: ApiDeps, caller: Caller, q: ExportQuery, limit: number): Promise<ExportPlan> {
  const { format, ...filters } = q;
  const ids = await searchIds(deps, caller, filters, limit, 'export');
  const now = new Date();
  const fileName = exportFileName(filters, format, now);
  const row = await deps.prisma.caseExport.create({
    data: { userId: caller.userId, userName: caller.name.slice(0, 100), orgPath: exporterPath(caller), format: format === 'csv' ? 'CSV' : 'XLSX', filters: filters as Prisma.InputJsonObject, fileName, caseCount: ids.length, startedAt: now },
    select: { id: true },
  });
  return { id: row.id, ids, format, fileName, now };
}

/** Writes the file into `out` and marks the record COMPLETED (with the history rows written) or FAILED; rethrows a failure. */
export async function writeExport(deps: ApiDeps, plan: ExportPlan, out: Writable, l: Locale): Promise<void> {
  const d = new Delivery(out);
  const mark = (data: Prisma.CaseExportUpdateInput) => deps.prisma.caseExport.update({ where: { id: plan.id }, data: { ...data, finishedAt: new Date() } });
  try {
    const events = await (plan.format === 'csv' ? writeCsv : writeXlsx)(deps, plan.ids, d, l, plan.now);
    await mark({ status: 'COMPLETED', eventCount: events });
    await d.finish();
  } catch (e) {
    d.stream.destroy();
    await mark({ status: 'FAILED', eventCount: null }).catch(() => undefined);
    throw e;
  }
}

const EXPORT_ORDER: ListOrder = { name: 'case-exports', keys: [{ field: 'id', dir: 'desc', kind: 'int' }] };

/**
 * The export history the caller may read, newest first: their own exports and, for auditors and
 * administrators, every export recorded under their units' subtrees. `mine`: only their own.
 */
export async function listExports(deps: ApiDeps, caller: Caller, q: { mine?: boolean; cursor?: string; limit: number }) {
  const paths = q.mine ? [] : readScope(caller).paths;
  const who: Prisma.CaseExportWhereInput = { OR: [{ userId: caller.userId }, ...paths.map((p) => ({ orgPath: { startsWith: p } }))] };
  const page = await listPage(q, EXPORT_ORDER, 20, (after, take) => deps.prisma.caseExport.findMany({ where: { AND: [who, after as Prisma.CaseExportWhereInput] }, orderBy: { id: 'desc' }, take }));
  return {
    items: page.items.map((r) => ({
      id: r.id,
      at: r.startedAt.toISOString(),
      user: { id: r.userId, name: r.userName },
      format: r.format === 'CSV' ? ('csv' as const) : ('xlsx' as const),
      filters: r.filters as Record<string, unknown>,
      fileName: r.fileName,
      cases: r.caseCount,
      events: r.eventCount,
      status: r.status,
      finishedAt: r.finishedAt?.toISOString() ?? null,
    })),
    nextCursor: page.nextCursor,
  };
}
