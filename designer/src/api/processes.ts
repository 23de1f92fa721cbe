/** The administration API calls the process pages make (typed by the generated client). */
import { api, fetchText, ok, type Problem, ApiError } from './client';
import type { components } from '@generated/openapi/schema';
import type { DepartmentOption, OrgUnitOption } from '../modeler/options';

export type ProcessDefinition = components['schemas']['AdminProcessDefinitionView'];
export type ProcessVersion = components['schemas']['AdminProcessVersionView'];
export type ValidationReport = components['schemas']['AdminValidationReport'];
export type Category = components['schemas']['AdminCategoryView'];

const enc = encodeURIComponent;
const PAGE = 100;

/** Every item of a paged administration list: pages of 100 (the API's largest), following nextCursor to the last. */
async function everyPage<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  for (let cursor: string | undefined; ; ) {
    const r = await fetchPage(cursor);
    out.push(...r.items);
    if (!r.nextCursor) return out;
    cursor = r.nextCursor;
  }
}

export async function listProcesses(q?: string): Promise<ProcessDefinition[]> {
  return everyPage(async (cursor) => ok(await api.GET('/api/admin/processes', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}), ...(q ? { q } : {}) } } })));
}

export async function getProcess(key: string): Promise<ProcessDefinition> {
  return ok(await api.GET('/api/admin/processes/{key}', { params: { path: { key } } }));
}

export async function createProcess(body: { key: string; name: string; description?: string }): Promise<ProcessDefinition> {
  return ok(await api.POST('/api/admin/processes', { body }));
}

export async function listVersions(key: string): Promise<ProcessVersion[]> {
  return everyPage(async (cursor) => ok(await api.GET('/api/admin/processes/{key}/versions', { params: { path: { key }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } })));
}

/** The draft and its ETag, or null when the process has no draft. */
export async function getDraft(key: string): Promise<{ xml: string; etag: string | null } | null> {
  try {
    const { text, response } = await fetchText(`/api/admin/processes/${enc(key)}/draft`, { cache: 'no-store' });
    return { xml: text, etag: response.headers.get('ETag') };
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 404) return null;
    throw e;
  }
}

/**
 * Saves the draft only if nobody saved another one since `etag` (null: only if there is no
 * draft yet). A 412 means another administrator's save came first.
 */
export async function saveDraft(key: string, xml: string, etag: string | null): Promise<string | null> {
  const { response } = await fetchText(`/api/admin/processes/${enc(key)}/draft`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...(etag ? { 'If-Match': etag } : { 'If-None-Match': '*' }) },
    body: JSON.stringify({ xml }),
  });
  return response.headers.get('ETag');
}

export async function versionXml(key: string, version: number): Promise<string> {
  return (await fetchText(`/api/admin/processes/${enc(key)}/versions/${version}/xml`)).text;
}

export async function validate(key: string, xml: string): Promise<ValidationReport> {
  return ok(await api.POST('/api/admin/processes/{key}/validate', { params: { path: { key } }, body: { xml } }));
}

export async function deploy(key: string, comment: string): Promise<{ created: boolean; version: number }> {
  const { text } = await fetchText(`/api/admin/processes/${enc(key)}/deploy`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(comment.trim() ? { comment: comment.trim() } : {}),
  });
  const r = JSON.parse(text) as { created: boolean; version: number };
  return { created: r.created, version: r.version };
}

export async function listCategories(): Promise<Category[]> {
  return everyPage(async (cursor) => ok(await api.GET('/api/admin/categories', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } })));
}

export async function bindCategory(id: number, processKey: string | null): Promise<void> {
  ok(await api.PATCH('/api/admin/categories/{id}', { params: { path: { id } }, body: { processKey } }));
}

/** The pick lists of the properties panel: the org tree down to villages, and the department kinds. */
export async function designerLists(): Promise<{ orgUnits: OrgUnitOption[]; departments: DepartmentOption[] }> {
  const [units, departments] = await Promise.all([
    everyPage(async (cursor) => ok(await api.GET('/api/admin/org-units', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }))),
    everyPage(async (cursor) => ok(await api.GET('/api/admin/departments', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }))),
  ]);
  const orgUnits: OrgUnitOption[] = units.filter((u) => u.level !== 'GRID').map((u) => ({ id: u.id, name: u.name, level: u.level, parentId: u.parentId }));
  const kinds = new Map<string, string>();
  // a kind's name without its district (东城区城市管理委员会 → 城市管理委员会)
  for (const d of departments) if (!kinds.has(d.kind)) kinds.set(d.kind, d.name.replace(/^.{2,3}(区|市|县)/, ''));
  return { orgUnits, departments: [...kinds].map(([kind, name]) => ({ kind, name })).sort((a, b) => a.kind.localeCompare(b.kind)) };
}

export type { Problem };
