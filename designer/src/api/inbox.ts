/** The calls the inbox makes (typed by the generated client): tasks, their actions, the case beside them. */
import type { components, operations } from '@generated/openapi/schema';
import { api, fetchBlob, fetchText, ok } from './client';

export type TaskView = components['schemas']['TaskView'];
export type TaskPage = components['schemas']['TaskPage'];
export type TaskActionResult = components['schemas']['TaskActionResult'];
export type TaskSupervision = components['schemas']['TaskSupervision'];
export type TaskAction = components['schemas']['TaskAction'];
export type CaseView = components['schemas']['CaseView'];
export type CaseHistoryRow = components['schemas']['CaseHistoryRow'];
export type CaseAttachment = components['schemas']['CaseAttachment'];
export type TaskListQuery = NonNullable<operations['listTasks']['parameters']['query']>;
export type Service = { service_code: string; service_name: string; group?: string; keywords?: string };

export async function listTasks(query: TaskListQuery): Promise<TaskPage> {
  return ok(await api.GET('/api/tasks', { params: { query } }));
}

export async function getTask(id: string): Promise<TaskView> {
  return ok(await api.GET('/api/tasks/{id}', { params: { path: { id } } }));
}

/** The body each action takes (schema/api/tasks.json). */
export interface ActionBody {
  outcome?: string;
  data?: Record<string, unknown>;
  reason?: string;
  duration?: string;
  text?: string;
}

/** POST /api/tasks/{id}/<action>, with an Idempotency-Key so a retried click acts once. */
export async function actOnTask(id: string, action: TaskAction, body: ActionBody, idempotencyKey: string): Promise<TaskActionResult> {
  // every action answers a TaskActionResult; the paths differ only in their last segment
  const path = `/api/tasks/{id}/${action}` as '/api/tasks/{id}/complete';
  return ok(await api.POST(path, { params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey } as never }, body: body as never }));
}

export async function getCase(id: string): Promise<CaseView> {
  return ok(await api.GET('/api/cases/{id}', { params: { path: { id } } }));
}

export async function caseHistory(id: string): Promise<CaseHistoryRow[]> {
  const history = ok(await api.GET('/api/cases/{id}/history', { params: { path: { id } } }));
  return typeof history === 'string' ? [] : history.events;
}

/** A photo of a case as an object URL (the request needs the bearer token); revoke it when done. */
export async function attachmentUrl(caseId: string, attachmentId: string): Promise<string> {
  return URL.createObjectURL(await fetchBlob(`/api/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(attachmentId)}`));
}

/** Photos added while handling a task (POST /api/cases/{id}/attachments, multipart `photos` + `taskId`). */
export async function uploadPhotos(caseId: string, taskId: string, files: File[]): Promise<{ id: string; fileName: string }[]> {
  const form = new FormData();
  for (const f of files) form.append('photos', f, f.name);
  form.append('taskId', taskId);
  const { text } = await fetchText(`/api/cases/${encodeURIComponent(caseId)}/attachments`, { method: 'POST', body: form });
  return (JSON.parse(text) as { attachments: { id: string; fileName: string }[] }).attachments;
}

/** The categories (Open311 services: code, name, class), for the category filter. */
export async function listServices(): Promise<Service[]> {
  const { text } = await fetchText('/open311/v2/services.json');
  return JSON.parse(text) as Service[];
}
