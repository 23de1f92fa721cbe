/**
 * The case search's calls (the auditor's workspace, pages/CaseSearch.vue), typed by the generated
 * client, and the search form kept in the page's URL: the form's fields ⇄ the route's query ⇄ the
 * API's filters (dates are Beijing days; a range ends at the start of the day after its last).
 */
import type { LocationQuery } from 'vue-router';
import type { components, paths } from '@generated/openapi/schema';
import { api, ApiError, ok } from './client';

export type CaseSummary = components['schemas']['CaseSummary'];
export type SearchOptions = components['schemas']['CaseSearchOptions'];
export type SearchUnit = components['schemas']['CaseSearchUnit'];
export type ExportRecord = components['schemas']['CaseExportRecord'];
export type BulkVerification = components['schemas']['CaseBulkVerification'];
export type CaseStatus = components['schemas']['CaseStatus'];
type ListQuery = NonNullable<paths['/api/cases']['get']['parameters']['query']>;
export type Filters = Omit<ListQuery, 'sort' | 'order' | 'cursor' | 'limit'>;

export const STATUSES: CaseStatus[] = ['REPORTED', 'ACCEPTED', 'REGISTERED', 'DISPATCHED', 'IN_PROGRESS', 'AWAITING_VERIFICATION', 'CLOSED', 'REJECTED', 'VOIDED', 'WITHDRAWN', 'MERGED'];
export const ENDED: CaseStatus[] = ['CLOSED', 'REJECTED', 'VOIDED', 'WITHDRAWN', 'MERGED'];

/** The search form as the page holds it. */
export interface SearchForm {
  /** report days, YYYY-MM-DD, both inclusive */
  reported: [string, string] | null;
  /** closing days */
  closed: [string, string] | null;
  category: string;
  unit: number | null;
  status: CaseStatus[];
  overdue: '' | 'yes' | 'no';
  escalated: '' | 'yes' | 'no';
  q: string;
}

export const emptyForm = (): SearchForm => ({ reported: null, closed: null, category: '', unit: null, status: [], overdue: '', escalated: '', q: '' });

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const one = (v: LocationQuery[string]) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const range = (from: string, to: string): [string, string] | null => (DAY.test(from) && DAY.test(to) ? [from, to] : null);
const yesNo = (v: string): '' | 'yes' | 'no' => (v === 'yes' || v === 'no' ? v : '');

/** The form a URL holds (what a bookmark or the back button brings back). */
export function formOf(query: LocationQuery): SearchForm {
  const unit = Number(one(query.unit));
  return {
    reported: range(one(query.from), one(query.to)),
    closed: range(one(query.closedFrom), one(query.closedTo)),
    category: one(query.category).slice(0, 32),
    unit: Number.isInteger(unit) && unit > 0 ? unit : null,
    status: one(query.status)
      .split(',')
      .filter((s): s is CaseStatus => (STATUSES as string[]).includes(s)),
    overdue: yesNo(one(query.overdue)),
    escalated: yesNo(one(query.escalated)),
    q: one(query.q).slice(0, 100),
  };
}

/** The URL's query of a form (only what is set). */
export function queryOf(f: SearchForm): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.reported) [q.from, q.to] = f.reported;
  if (f.closed) [q.closedFrom, q.closedTo] = f.closed;
  if (f.category) q.category = f.category;
  if (f.unit) q.unit = String(f.unit);
  if (f.status.length) q.status = f.status.join(',');
  if (f.overdue) q.overdue = f.overdue;
  if (f.escalated) q.escalated = f.escalated;
  if (f.q.trim()) q.q = f.q.trim();
  return q;
}

/** The start of a Beijing day, and of the day after. */
const dayStart = (day: string) => `${day}T00:00:00+08:00`;
function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return dayStart(d.toISOString().slice(0, 10));
}

/** The API's filters of a form. */
export function filtersOf(f: SearchForm): Filters {
  const out: Filters = {};
  if (f.reported) {
    out.createdAfter = dayStart(f.reported[0]);
    out.createdBefore = dayAfter(f.reported[1]);
  }
  if (f.closed) {
    out.closedAfter = dayStart(f.closed[0]);
    out.closedBefore = dayAfter(f.closed[1]);
  }
  if (f.category) out.category = f.category;
  if (f.unit) out.orgUnit = f.unit;
  if (f.status.length) out.status = f.status;
  if (f.overdue) out.overdue = f.overdue === 'yes';
  if (f.escalated) out.escalated = f.escalated === 'yes';
  if (f.q.trim()) out.q = f.q.trim();
  return out;
}

export async function searchCases(filters: Filters, limit: number, cursor?: string) {
  return ok(await api.GET('/api/cases', { params: { query: { ...filters, sort: 'created', limit, ...(cursor ? { cursor } : {}) } } }));
}

export async function countCases(filters: Filters) {
  return ok(await api.GET('/api/cases/count', { params: { query: filters } }));
}

export async function searchOptions(): Promise<SearchOptions> {
  return ok(await api.GET('/api/cases/search-options'));
}

export async function listExports(limit = 10) {
  return ok(await api.GET('/api/cases/exports', { params: { query: { limit } } }));
}

export async function verifyCases(filters: Filters): Promise<BulkVerification> {
  return ok(await api.POST('/api/cases/verification', { body: filters }));
}

/** The file name a Content-Disposition names (RFC 6266: filename* first). */
function fileNameOf(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i);
  if (star) return decodeURIComponent(star[1]);
  const plain = disposition?.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : fallback;
}

/**
 * Downloads the export with the caller's bearer token (a plain link could not send it): fetched
 * as a blob, saved through an object URL and a temporary <a download>. Answers the file's name.
 */
export async function downloadExport(filters: Filters, format: 'csv' | 'xlsx'): Promise<{ fileName: string; cases: number }> {
  const r = await api.GET('/api/cases/export', { params: { query: { ...filters, format } }, parseAs: 'blob' });
  if (!r.response.ok || !(r.data instanceof Blob)) throw new ApiError({ ...((r.error ?? {}) as object), status: r.response.status });
  const fileName = fileNameOf(r.response.headers.get('Content-Disposition'), `cases.${format}`);
  const url = URL.createObjectURL(r.data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the browser has taken the file once the click is handled; later, let the blob go
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { fileName, cases: Number(r.response.headers.get('X-Export-Cases') ?? 0) };
}
