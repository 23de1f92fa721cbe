/**
 * Cases for the auditor's workspace, driven through the API as people would (reported by 王芳 in
 * her grid, handled by 李明 of 东华门第一社区): one escalated at 受理, one closed at the village
 * and rated by its reporter, one simply reported; then dated into the month a test searches (the
 * report time is set once, when the case row is written, so moving it later stays put).
 */
import request from 'supertest';
import type { ApiSuite } from './api';
import { act, inboxTask, reportAs } from './api-flow';

/** A report left waiting at 受理. */
export async function reportedCase(s: ApiSuite, description: string): Promise<string> {
  return (await reportAs(s, 'wangfang', { description })).id;
}

/** A report the community handler passed up to the street at 受理 (逐级上报, with a reason). */
export async function escalatedCase(s: ApiSuite, description: string, reason = '社区无执法权，需街道处置'): Promise<string> {
  const id = await reportedCase(s, description);
  const accept = await inboxTask(s, 'dhm1.handler', id, 'Task_Accept');
  const res = await act(s, 'dhm1.handler', accept.id, 'escalate', { reason });
  if (res.status !== 200) throw new Error(`escalate failed: ${res.status} ${res.text}`);
  return id;
}

/** A case handled and verified in the community: closed at village tier; rated by 王芳 when `score` is given. */
export async function closedCase(s: ApiSuite, description: string, score?: number): Promise<string> {
  const id = await reportedCase(s, description);
  const accept = await inboxTask(s, 'dhm1.handler', id, 'Task_Accept');
  await act(s, 'dhm1.handler', accept.id, 'claim');
  await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' });
  for (const step of ['Task_Register', 'Task_Dispatch']) await act(s, 'dhm1.handler', (await inboxTask(s, 'dhm1.handler', id, step)).id, 'complete');
  const handle = await inboxTask(s, 'dhm1.handler', id, 'Task_Handle');
  await act(s, 'dhm1.handler', handle.id, 'claim');
  await act(s, 'dhm1.handler', handle.id, 'complete', { outcome: 'done', data: { feedback: '已处理' } });
  await act(s, 'wangfang', (await inboxTask(s, 'wangfang', id, 'Task_Verify')).id, 'complete', { outcome: 'pass' });
  for (let i = 0; i < 300; i++) {
    const row = await s.prisma.case.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (row.status === 'CLOSED') break;
    if (i === 299) throw new Error(`${id} did not close`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (score !== undefined) {
    const rated = await request(s.app).post(`/api/cases/${id}/rating`).set('Authorization', await s.auth('wangfang')).send({ score, comment: '处理及时' });
    if (rated.status !== 201) throw new Error(`rating failed: ${rated.status} ${rated.text}`);
  }
  return id;
}

/** Sets when the case was reported (an ISO time), as if it had come in then. */
export async function reportedAt(s: ApiSuite, id: string, at: string): Promise<void> {
  await s.prisma.case.update({ where: { id }, data: { reportedAt: new Date(at) } });
}
