/**
 * The case workflow on the real Temporal server, its activities writing through Prisma into the
 * real MySQL test database: the standard closed loop (story 1), "cannot handle here" (story 2),
 * and the rules every task action obeys (claim conflicts, idempotent updates, bad input).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { verifyChain } from '../../core/audit-chain';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalHandle } from '../../platform/temporal/client';
import { claimUpdate, completeUpdate, escalateUpdate, stateQuery } from '../../workflows/case-api';
import { actor, openTask, reportCase } from '../support/cases';
import { startSuiteWorker, type SuiteWorker } from '../support/worker';

describe('the case workflow on real Temporal and MySQL', () => {
  let suite: SuiteWorker;
  let prisma: PrismaClient;
  let temporal: TemporalHandle;
  let taskQueue: string;

  beforeAll(async () => {
    suite = await startSuiteWorker('test-cases');
    ({ prisma, temporal, taskQueue } = suite);
  });

  afterAll(async () => {
    await suite?.stop();
  });

  async function chainOf(caseId: string) {
    const rows = await prisma.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    return rows.map((r) => ({ ...r, tier: r.tier as string | null, fromStatus: r.fromStatus, toStatus: r.toStatus }));
  }

  it('story 1: a missing manhole cover reported by 王芳 is accepted, handled and verified at the village, and closes there on time', async () => {
    const { handle, input } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'SS01' });
    const handler = await actor(prisma, 'dhm1.handler');
    const wangfang = await actor(prisma, 'wangfang');

    // 受理: the community's handlers see it in their inbox
    const accept = await openTask(handle, 'Task_Accept', prisma);
    expect(accept.tier).toBe('VILLAGE');
    expect(accept.principals).toEqual([`unit:${input.facts.units.VILLAGE}:HANDLER`]);
    const inbox = await prisma.taskCandidate.findMany({ where: { principal: `unit:${input.facts.units.VILLAGE}:HANDLER`, state: 'OPEN', taskId: accept.taskId } });
    expect(inbox).toHaveLength(1);
    const caseRow = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
    expect(caseRow.gridId).toBe(input.row.gridId);
    expect(caseRow.status).toBe('REPORTED');

    await handle.executeUpdate(completeUpdate, { args: [{ taskId: accept.taskId, actor: handler, outcome: 'accept' }] });
    for (const step of ['Task_Register', 'Task_Dispatch']) {
      const t = await openTask(handle, step);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: t.elementId === 'Task_Dispatch' ? undefined : undefined }] });
    }

    // 处置: claim, then feed back with a photo
    const handleTask = await openTask(handle, 'Task_Handle');
    expect(handleTask.dueAt).not.toBeNull();
    const claimed = await handle.executeUpdate(claimUpdate, { args: [{ taskId: handleTask.taskId, actor: handler }] });
    expect(claimed.task?.state).toBe('CLAIMED');
    // the API reads its own write: the row is claimed as soon as the update returns
    expect((await prisma.task.findUniqueOrThrow({ where: { id: handleTask.taskId } })).assigneeId).toBe(handler.userId);
    await handle.executeUpdate(completeUpdate, {
      args: [{ taskId: handleTask.taskId, actor: handler, outcome: 'done', data: { feedback: '已更换新井盖', photos: ['sha256:ab12'] } }],
    });

    // 核查 by the reporting grid worker
    const verify = await openTask(handle, 'Task_Verify');
    expect(verify.principals).toEqual([`user:${wangfang.userId}`]);
    await handle.executeUpdate(completeUpdate, { args: [{ taskId: verify.taskId, actor: wangfang, outcome: 'pass' }] });

    const final = await handle.result();
    expect(final.status).toBe('CLOSED');
    expect(final.closedTier).toBe('VILLAGE');
    expect(final.overdueCount).toBe(0);

    const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
    expect(row.status).toBe('CLOSED');
    expect(row.closedTier).toBe('VILLAGE');
    const chain = await chainOf(input.caseId);
    expect(chain.map((e) => e.action)).toEqual(expect.arrayContaining(['report', 'dispatchTask', 'complete', 'claim', 'close', 'evaluate', 'end']));
    expect(verifyChain(chain)).toEqual({ intact: true });
    const evaluation = chain.find((e) => e.action === 'evaluate');
    expect(evaluation?.payload).toMatchObject({ onTime: true, closedTier: 'VILLAGE' });
    const tasks = await prisma.task.findMany({ where: { caseId: input.caseId } });
    expect(tasks.every((t) => t.state === 'COMPLETED')).toBe(true);
  });

  it('story 2: a community handler who cannot handle an illegal extension escalates it, and the street gets the task with its own limit', async () => {
    const { handle, input } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'WJ02', description: '居民楼顶违法扩建' });
    const handler = await actor(prisma, 'dhm1.handler');
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await openTask(handle, step);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: step === 'Task_Accept' ? 'accept' : undefined }] });
    }
    const atVillage = await openTask(handle, 'Task_Handle');
    await handle.executeUpdate(escalateUpdate, { args: [{ taskId: atVillage.taskId, actor: handler, reason: '违法扩建需街道城管执法，社区无执法权' }] });

    const atStreet = await openTask(handle, 'Task_Handle');
    expect(atStreet.taskId).not.toBe(atVillage.taskId);
    expect(atStreet.tier).toBe('TOWNSHIP');
    expect(atStreet.principals).toEqual([`unit:${input.facts.units.TOWNSHIP}:HANDLER`]);
    // WJ02's limits: PT8H at the village, PT24H working hours at the street: a fresh, longer limit
    expect(Date.parse(atStreet.dueAt as string)).toBeGreaterThan(Date.parse(atVillage.dueAt as string));

    const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
    expect(row.currentTier).toBe('TOWNSHIP');
    expect(row.currentUnitId).toBe(input.facts.units.TOWNSHIP);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: atVillage.taskId } })).state).toBe('ESCALATED');
    const hop = (await chainOf(input.caseId)).find((e) => e.action === 'escalate');
    expect(hop).toMatchObject({ actorId: handler.userId, reason: '违法扩建需街道城管执法，社区无执法权' });
    expect(hop?.payload).toMatchObject({ fromTier: 'VILLAGE', toTier: 'TOWNSHIP' });
    await handle.terminate('test done');
  });

  it('refuses a claim on a task someone else holds, and repeats the first result for a repeated update id', async () => {
    const { handle, input } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'SS03', description: '路灯不亮' });
    const a = await actor(prisma, 'dhm1.handler');
    const b = await actor(prisma, 'dhm1.mediator');
    const accept = await openTask(handle, 'Task_Accept');

    const first = await handle.executeUpdate(claimUpdate, { args: [{ taskId: accept.taskId, actor: a }], updateId: `claim-${accept.taskId}` });
    const again = await handle.executeUpdate(claimUpdate, { args: [{ taskId: accept.taskId, actor: a }], updateId: `claim-${accept.taskId}` });
    expect(again).toEqual(first);
    const claims = await prisma.caseEvent.count({ where: { caseId: input.caseId, action: 'claim' } });
    expect(claims).toBe(1);

    await expect(handle.executeUpdate(claimUpdate, { args: [{ taskId: accept.taskId, actor: b }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate(completeUpdate, { args: [{ taskId: accept.taskId, actor: a, outcome: 'maybe' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate(completeUpdate, { args: [{ taskId: 'nope', actor: a, outcome: 'accept' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    const state = await handle.query(stateQuery);
    expect(state.tasks.find((t) => t.taskId === accept.taskId)?.assignee).toEqual(a);
    await handle.terminate('test done');
  });

  it('refuses a feedback that breaks the form schema, naming the field', async () => {
    const { handle } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'SS01' });
    const handler = await actor(prisma, 'dhm1.handler');
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await openTask(handle, step);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: step === 'Task_Accept' ? 'accept' : undefined }] });
    }
    const t = await openTask(handle, 'Task_Handle');
    const err = await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: 'done', data: { photos: 'x' } }] }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String(err.cause?.message)).toMatch(/feedback/);
    await handle.terminate('test done');
  });
});
