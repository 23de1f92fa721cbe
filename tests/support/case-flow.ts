/** Cases driven through the HTTP API to the states the case page shows. */
import request from 'supertest';
import type { ApiSuite } from './api';
import { act, inboxTask, reportAs } from './api-flow';

export const ESCALATION_REASON = '违法扩建需街道城管执法，社区无执法权';

async function mustAct(s: ApiSuite, username: string, taskId: string, action: string, body: Record<string, unknown> = {}) {
  const res = await act(s, username, taskId, action, body);
  if (res.status !== 200) throw new Error(`${username} ${action} ${taskId}: ${res.status} ${res.text}`);
  return res.body;
}

/** Waits until the case has the status (the workflow's last writes follow the update that caused them). */
export async function caseStatus(s: ApiSuite, caseId: string, status: string, username = 'dc.auditor', timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(s.app).get(`/api/cases/${caseId}`).set('Authorization', await s.auth(username));
    if (res.body.status === status) return res.body;
    if (Date.now() > until) throw new Error(`case ${caseId} is ${res.body.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 受理, 立案 and 派遣 by the community handler 李明. */
export async function dispatchAtVillage(s: ApiSuite, caseId: string) {
  for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
    const t = await inboxTask(s, 'dhm1.handler', caseId, step);
    await mustAct(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {});
  }
}

/**
 * 王芳 reports; 李明 (东华门第一社区) accepts, registers, dispatches, claims 处置 and escalates it
 * (无力处置); 许文博 (东华门街道) handles it; 王芳 verifies: the case closes at the street tier.
 */
export async function closedAfterEscalation(s: ApiSuite, description = '居民楼顶违法扩建') {
  const c = await reportAs(s, 'wangfang', { category: 'WJ02', description });
  await dispatchAtVillage(s, c.id);
  const atVillage = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
  await mustAct(s, 'dhm1.handler', atVillage.id, 'claim');
  await mustAct(s, 'dhm1.handler', atVillage.id, 'escalate', { reason: ESCALATION_REASON });
  const atStreet = await inboxTask(s, 'dhm.handler', c.id, 'Task_Handle');
  await mustAct(s, 'dhm.handler', atStreet.id, 'claim');
  await mustAct(s, 'dhm.handler', atStreet.id, 'complete', { outcome: 'done', data: { feedback: '已会同城管拆除违建' } });
  const verify = await inboxTask(s, 'wangfang', c.id, 'Task_Verify');
  await mustAct(s, 'wangfang', verify.id, 'complete', { outcome: 'pass' });
  await caseStatus(s, c.id, 'CLOSED');
  return c.id;
}
