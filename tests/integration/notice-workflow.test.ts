/**
 * The stack end to end: a workflow on the real Temporal server whose activities read the org
 * tree and write outbox rows through Prisma into the real MySQL test database.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalHandle } from '../../platform/temporal/client';
import type { BroadcastNoticeResult } from '../../workflows/notice-api';
import { uniqueSuffix } from '../support/env';
import { startSuiteWorker, type SuiteWorker } from '../support/worker';

describe('notice broadcast (通知下发) on real Temporal and MySQL', () => {
  let suite: SuiteWorker;
  let prisma: PrismaClient;
  let temporal: TemporalHandle;
  let taskQueue: string;

  beforeAll(async () => {
    suite = await startSuiteWorker('test-notice');
    ({ prisma, temporal, taskQueue } = suite);
  });

  afterAll(async () => {
    await suite?.stop();
  });

  async function street(name: string) {
    return prisma.orgUnit.findFirstOrThrow({ where: { name, level: 'TOWNSHIP' } });
  }

  async function membersUnder(path: string): Promise<number[]> {
    const rows = await prisma.membership.findMany({
      where: { user: { active: true }, OR: [{ orgUnit: { path: { startsWith: path } } }, { department: { orgUnit: { path: { startsWith: path } } } }] },
      select: { userId: true },
    });
    return [...new Set(rows.map((r) => r.userId))].sort((a, b) => a - b);
  }

  it('given a street, when a notice is broadcast, then every member of its subtree gets one outbox row', async () => {
    const unit = await street('东华门街道');
    const expected = await membersUnder(unit.path);
    expect(expected.length).toBeGreaterThan(0);
    const noticeId = `N-${uniqueSuffix()}`;

    const result: BroadcastNoticeResult = await temporal.client.workflow.execute('broadcastNotice', {
      taskQueue,
      workflowId: `notice-${noticeId}`,
      args: [{ noticeId, orgUnitId: unit.id, title: '防汛通知', body: '今晚有暴雨，请各网格员加强巡查。', sentBy: { userId: null, name: '东城区综治中心' } }],
    });

    expect(result).toEqual({ noticeId, recipients: expected.length, written: expected.length });
    const rows = await prisma.notification.findMany({ where: { dedupeKey: { startsWith: `notice:${noticeId}:` } }, orderBy: { userId: 'asc' } });
    expect(rows.map((r) => r.userId)).toEqual(expected);
    // written to the outbox in-app (a delivery worker of another suite may already have delivered some)
    expect(rows.every((r) => ['PENDING', 'SENT'].includes(r.status) && r.channel === 'IN_APP' && r.kind === 'NOTICE' && r.title === '防汛通知' && r.orgUnitId === unit.id)).toBe(true);
  });

  it('given the same notice sent again, then nothing is written twice', async () => {
    const unit = await street('东华门街道');
    const noticeId = `N-${uniqueSuffix()}`;
    const input = { noticeId, orgUnitId: unit.id, title: '复查通知', body: '请核查辖区井盖。', sentBy: { userId: null, name: '街道中心' } };
    const first: BroadcastNoticeResult = await temporal.client.workflow.execute('broadcastNotice', { taskQueue, workflowId: `notice-${noticeId}-a`, args: [input] });
    const second: BroadcastNoticeResult = await temporal.client.workflow.execute('broadcastNotice', { taskQueue, workflowId: `notice-${noticeId}-b`, args: [input] });

    expect(first.written).toBe(first.recipients);
    expect(second).toEqual({ noticeId, recipients: first.recipients, written: 0 });
    expect(await prisma.notification.count({ where: { dedupeKey: { startsWith: `notice:${noticeId}:` } } })).toBe(first.recipients);
  });

  it('given a role filter, then only holders of that role are notified', async () => {
    const unit = await street('东华门街道');
    const noticeId = `N-${uniqueSuffix()}`;
    const result: BroadcastNoticeResult = await temporal.client.workflow.execute('broadcastNotice', {
      taskQueue,
      workflowId: `notice-${noticeId}`,
      args: [{ noticeId, orgUnitId: unit.id, roles: ['GRID_WORKER'], title: '网格员例会', body: '周五下午三点开会。', sentBy: { userId: null, name: '街道中心' } }],
    });
    const gridWorkers = await prisma.membership.findMany({ where: { role: 'GRID_WORKER', orgUnit: { path: { startsWith: unit.path } } }, select: { userId: true }, distinct: ['userId'] });
    expect(gridWorkers.length).toBeGreaterThan(0);
    expect(result.recipients).toBe(gridWorkers.length);
    const rows = await prisma.notification.findMany({ where: { dedupeKey: { startsWith: `notice:${noticeId}:` } } });
    expect(new Set(rows.map((r) => r.userId))).toEqual(new Set(gridWorkers.map((g) => g.userId)));
  });

  it('given an org unit that does not exist, then the workflow fails naming it, without retrying', async () => {
    const noticeId = `N-${uniqueSuffix()}`;
    const run = temporal.client.workflow.execute('broadcastNotice', {
      taskQueue,
      workflowId: `notice-${noticeId}`,
      args: [{ noticeId, orgUnitId: 987654321, title: 't', body: 'b', sentBy: { userId: null, name: 'x' } }],
    });
    const failure = await run.then(
      () => undefined,
      (e: Error & { cause?: Error & { cause?: Error } }) => e,
    );
    expect(failure?.name).toBe('WorkflowFailedError');
    expect(failure?.cause?.cause?.message ?? failure?.cause?.message).toContain('org unit 987654321 does not exist');
    expect(await prisma.notification.count({ where: { dedupeKey: { startsWith: `notice:${noticeId}:` } } })).toBe(0);
  });
});
