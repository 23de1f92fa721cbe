/** Driving cases through the HTTP API the way the apps do: report, find the task, act on it. */
import request from 'supertest';
import type { ApiSuite } from './api';
import { wangfangGrid } from './cases';

/** The smallest valid PNG (1×1), for photo uploads. */
export const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export async function reportAs(s: ApiSuite, username: string, body: Record<string, unknown> = {}) {
  const g = await wangfangGrid(s.prisma);
  const res = await request(s.app)
    .post('/api/cases')
    .set('Authorization', await s.auth(username))
    .send({ category: 'SS01', description: '东华门大街12号门前井盖缺失', location: { lat: g.lat, lng: g.lng, address: '东华门大街12号' }, ...body });
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${res.text}`);
  return res.body as { id: string; status: string; dueAt: string | null; [k: string]: unknown };
}

/** Waits until the caller's inbox holds an open task of the element for the case, and returns it. */
export async function inboxTask(s: ApiSuite, username: string, caseId: string, elementId: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const res = await request(s.app).get('/api/tasks').query({ caseId }).set('Authorization', await s.auth(username));
    if (res.status !== 200) throw new Error(`inbox failed: ${res.status} ${res.text}`);
    last = res.body.items.map((t: { elementId: string; state: string }) => `${t.elementId}:${t.state}`);
    const t = res.body.items.find((x: { elementId: string; state: string }) => x.elementId === elementId && (x.state === 'OPEN' || x.state === 'CLAIMED'));
    if (t) return t as { id: string; actions: string[]; dueAt: string | null; tier: string; [k: string]: unknown };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${elementId} in ${username}'s inbox for ${caseId}; saw ${JSON.stringify(last)}`);
}

export async function act(s: ApiSuite, username: string, taskId: string, action: string, body: Record<string, unknown> = {}, key?: string) {
  const req = request(s.app).post(`/api/tasks/${encodeURIComponent(taskId)}/${action}`).set('Authorization', await s.auth(username));
  if (key) req.set('Idempotency-Key', key);
  return req.send(body);
}
