/**
 * The production entry points, run as a deployment would: `npm run worker` and `npm run api` as
 * separate processes against external services named by DATABASE_URL and TEMPORAL_ADDRESS.
 */
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalHandle } from '../../platform/temporal/client';
import type { BroadcastNoticeResult } from '../../workflows/notice-api';
import { parseAuditKey } from '../../platform/audit-keys';
import { auditScheduleId } from '../../platform/temporal/schedules';
import { connectServices, uniqueSuffix } from '../support/env';
import { freePort, runCommand, waitForOutput, type Command } from '../support/processes';

describe('production entry points', () => {
  const procs: Command[] = [];
  let prisma: PrismaClient;
  let temporal: TemporalHandle;
  let closeServices: () => Promise<void>;

  beforeAll(async () => {
    ({ prisma, temporal, close: closeServices } = await connectServices());
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await closeServices();
  });

  it('given no DATABASE_URL, the worker refuses to start and names the variable', async () => {
    const p = runCommand('worker', { DATABASE_URL: '', DATABASE_OWNER_URL: '' });
    procs.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('DATABASE_URL: is required by the production worker');
  });

  it('npm run worker runs workflows from its task queue, delivers the notifications they write, and stops cleanly on SIGTERM', async () => {
    const taskQueue = `prod-worker-${uniqueSuffix()}`;
    const worker = runCommand('worker', { TEMPORAL_TASK_QUEUE: taskQueue, GRIDCASE_SMS_LOG: path.join(os.tmpdir(), `gridcase-sms-${taskQueue}.log`), GRIDCASE_NOTIFY_POLL_MS: '200' });
    procs.push(worker);
    await waitForOutput(worker, 'worker polling');
    expect(worker.output()).toMatch(/notification delivery: in-app and SMS via log \(.*gridcase-sms-prod-worker-.*\.log\), outbox looked at every 200 ms/);

    const unit = await prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' } });
    const noticeId = `P-${uniqueSuffix()}`;
    const result: BroadcastNoticeResult = await temporal.client.workflow.execute('broadcastNotice', {
      taskQueue,
      workflowId: `notice-${noticeId}`,
      args: [{ noticeId, orgUnitId: unit.id, title: '社区通知', body: '明早八点清理楼道杂物。', sentBy: { userId: null, name: '社区' } }],
    });
    expect(result.written).toBe(result.recipients);
    expect(result.recipients).toBeGreaterThan(0);
    // and the notice's in-app notifications are delivered (by this worker, or another suite's delivery worker;
    // a row another suite's worker held when its suite ended waits for that hold to run out)
    const outbox = { dedupeKey: { startsWith: `notice:${noticeId}:` }, channel: 'IN_APP' };
    for (let i = 0; i < 1200 && (await prisma.notification.count({ where: { ...outbox, status: 'PENDING' } })) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await prisma.notification.count({ where: { ...outbox, status: 'SENT' } })).toBe(result.recipients);
    // and it created the daily audit checkpoint schedule of its task queue (removed again here)
    const schedule = temporal.client.schedule.getHandle(auditScheduleId(taskQueue));
    expect((await schedule.describe()).action).toMatchObject({ type: 'startWorkflow', workflowType: 'auditCheckpoints', taskQueue });
    await schedule.delete();

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  }, 240_000);

  it('given no audit key, the worker (which signs) and the API (which checks) refuse to start and name the variable', async () => {
    const worker = runCommand('worker', { GRIDCASE_AUDIT_KEY: '' });
    const api = runCommand('api', { GRIDCASE_AUDIT_KEY: '', GRIDCASE_AUDIT_PUBLIC_KEY: '', GRIDCASE_JWT_SECRET: 'a-production-secret-of-at-least-32-bytes' });
    procs.push(worker, api);
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('GRIDCASE_AUDIT_KEY: is required by the production worker');
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('GRIDCASE_AUDIT_PUBLIC_KEY: is required by the production API (or GRIDCASE_AUDIT_KEY)');
  });

  it('given no GRIDCASE_JWT_SECRET, the API refuses to start and names the variable', async () => {
    const p = runCommand('api', { GRIDCASE_JWT_SECRET: '' });
    procs.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('GRIDCASE_JWT_SECRET: is required by the production API');
  });

  it('given active accounts that still have the demo password, the API refuses to start with one line saying how many and how to fix it', async () => {
    const p = runCommand('api', { PORT: String(await freePort()), GRIDCASE_JWT_SECRET: 'a-production-secret-of-at-least-32-bytes', GRIDCASE_ALLOW_DEMO_PASSWORDS: '' });
    procs.push(p);
    expect(await p.exited).toBe(1);
    const lines = p.output().split('\n').filter((l) => l.includes('GRIDCASE_ALLOW_DEMO_PASSWORDS'));
    expect(lines).toHaveLength(1);
    // the test database holds the demo seed: every demo account still has GridCase#2026
    const n = Number(lines[0].match(/(\d+) active accounts? still ha(?:s|ve) the demo password/)?.[1]);
    expect(n).toBeGreaterThanOrEqual(40);
    expect(lines[0]).toMatch(/PATCH \/api\/admin\/users\/\{id\}/);
    expect(p.output()).not.toContain('API listening');
  });

  it('npm run api serves /health and drains on SIGTERM (a demo, with GRIDCASE_ALLOW_DEMO_PASSWORDS=1)', async () => {
    const port = await freePort();
    // the API checks checkpoints with the public key alone: it never needs the signing key
    const publicKey = parseAuditKey(process.env.GRIDCASE_AUDIT_KEY!).publicKeyPem;
    const api = runCommand('api', { PORT: String(port), GRIDCASE_JWT_SECRET: 'a-production-secret-of-at-least-32-bytes', GRIDCASE_ALLOW_DEMO_PASSWORDS: '1', GRIDCASE_AUDIT_KEY: '', GRIDCASE_AUDIT_PUBLIC_KEY: publicKey });
    procs.push(api);
    await waitForOutput(api, 'API listening');
    expect(api.output()).toMatch(/demo password/);
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  });
});
