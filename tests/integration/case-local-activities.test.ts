/**
 * The case workflow's database activities as local activities (patch local-case-activities), on
 * the real Temporal server and MySQL test database: what a case's history holds, and that a write
 * run again after a worker crash (before its marker is recorded) writes its rows once.
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalHandle } from '../../platform/temporal/client';
import { createActivities } from '../../activities';
import { connectWorker, installRuntime } from '../../platform/temporal/worker';
import { verifyCaseAudit } from '../../domain/audit-verify';
import type { CaseChange } from '../../workflows/case-api';
import { closeAtVillage, reportCase } from '../support/cases';
import { connectServices, testServices, uniqueSuffix } from '../support/env';

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('the case workflow with local activities', () => {
  let prisma: PrismaClient;
  let temporal: TemporalHandle;
  let close: () => Promise<void>;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `test-local-acts-${uniqueSuffix()}`;
  /** every applyCaseChange the worker was asked to run, in order */
  const calls: CaseChange[] = [];
  /** changes (caseId#firstSeq) that already "crashed" once after their commit */
  const crashed = new Set<string>();

  beforeAll(async () => {
    const env = testServices();
    // the crashes below are meant: the SDK's warning for each failed attempt is not shown
    installRuntime('ERROR');
    ({ prisma, temporal, close } = await connectServices());
    connection = await connectWorker(env.temporal);
    const real = createActivities({ prisma, auditKey: env.auditKey });
    worker = await Worker.create({
      connection,
      namespace: env.temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: {
        ...real,
        // the first run of each change commits, then dies before it can answer, as a worker killed
        // between the commit and the marker: the local activity runs the same change again
        async applyCaseChange(change: CaseChange) {
          calls.push(change);
          const result = await real.applyCaseChange(change);
          const key = `${change.caseId}#${change.firstSeq}`;
          if (!crashed.has(key)) {
            crashed.add(key);
            throw new Error(`worker crashed after writing ${key}`);
          }
          return result;
        },
      },
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await close?.();
  });

  it('given a case worked to its close, when every write runs twice (its first run dies after the commit), then each audit row and task is written once and the chain verifies', async () => {
    const { handle, input } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'SS01' });
    await closeAtVillage(prisma, handle, '已更换新井盖');

    const mine = calls.filter((c) => c.caseId === input.caseId);
    const changes = [...new Set(mine.map((c) => c.firstSeq))];
    // every change ran twice: the crashed run and the one that answered
    expect(mine).toHaveLength(changes.length * 2);
    const audit = await prisma.caseEvent.findMany({ where: { caseId: input.caseId }, orderBy: { seq: 'asc' }, select: { seq: true, action: true } });
    expect(audit.map((a) => a.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(audit.filter((a) => a.action === 'report')).toHaveLength(1);
    expect((await verifyCaseAudit(prisma, input.caseId, undefined)).problems).toEqual([]);
    const tasks = await prisma.task.findMany({ where: { caseId: input.caseId }, select: { elementId: true, state: true } });
    expect(tasks.map((t) => t.elementId).sort()).toEqual(['Task_Accept', 'Task_Dispatch', 'Task_Handle', 'Task_Register', 'Task_Verify']);
    expect(tasks.every((t) => t.state === 'COMPLETED')).toBe(true);
    expect((await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } })).status).toBe('CLOSED');

    // its history: each write and read a MarkerRecorded event, no activity task events
    const { events } = await handle.fetchHistory();
    const markers = (events ?? []).map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean);
    expect(markers).toContain('core_patch');
    expect(markers.filter((m) => m === 'core_local_activity').length).toBeGreaterThanOrEqual(changes.length);
    expect((events ?? []).filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
  }, 120_000);

  it('given a written change, when a retried workflow task computes it again with a later clock, then it writes nothing and the rows keep the first run', async () => {
    const { handle, input } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'SS01' });
    await closeAtVillage(prisma, handle, '已补装井盖');
    const first = calls.find((c) => c.caseId === input.caseId && c.firstSeq === 1) as CaseChange;
    const before = await prisma.caseEvent.findMany({ where: { caseId: input.caseId }, orderBy: { seq: 'asc' } });

    const later: CaseChange = {
      ...first,
      audit: first.audit.map((a) => ({ ...a, at: shift(a.at, 5000) })),
      tasks: first.tasks.map((t) => ({ ...t, createdAt: shift(t.createdAt, 5000) })),
    };
    const real = createActivities({ prisma, auditKey: testServices().auditKey });
    await expect(real.applyCaseChange(later)).resolves.toEqual({ written: false, lastSeq: first.audit.length });

    expect(await prisma.caseEvent.findMany({ where: { caseId: input.caseId }, orderBy: { seq: 'asc' } })).toEqual(before);
    expect((await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } })).status).toBe('CLOSED');
    expect(await prisma.task.count({ where: { caseId: input.caseId } })).toBe(5);
  }, 120_000);
});
