/**
 * The production entry points, run as a deployment would: `npm run worker` and `npm run api` as
 * separate processes against external services named by DATABASE_URL and TEMPORAL_ADDRESS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { PrismaClient } from '../../generated/prisma/client';
import { createPrisma } from '../../platform/db/prisma';
import { connectTemporal, type TemporalHandle } from '../../platform/temporal/client';
import type { BroadcastNoticeResult } from '../../workflows/notice';
import { testServices, uniqueSuffix } from '../support/env';

const root = path.resolve(__dirname, '../..');

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(command: 'api' | 'worker', env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [path.join(root, 'scripts/run.js'), command], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function until(what: string, p: Proc, check: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return;
    if (p.child.exitCode !== null) throw new Error(`${what}: exited early:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: timed out:\n${p.output()}`);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('production entry points', () => {
  const env = testServices();
  const procs: Proc[] = [];
  let prisma: PrismaClient;
  let temporal: TemporalHandle;

  beforeAll(async () => {
    prisma = createPrisma(env.databaseUrl);
    temporal = await connectTemporal(env.temporal);
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await temporal.close();
    await prisma.$disconnect();
  });

  it('given no DATABASE_URL, the worker refuses to start and names the variable', async () => {
    const p = run('worker', { DATABASE_URL: '' });
    procs.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('DATABASE_URL: is required by the production worker');
  });

  it('npm run worker runs workflows from its task queue and stops cleanly on SIGTERM', async () => {
    const taskQueue = `prod-worker-${uniqueSuffix()}`;
    const worker = run('worker', { TEMPORAL_TASK_QUEUE: taskQueue });
    procs.push(worker);
    await until('worker start', worker, () => worker.output().includes('worker polling'));

    const unit = await prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' } });
    const noticeId = `P-${uniqueSuffix()}`;
    const result: BroadcastNoticeResult = await temporal.client.workflow.execute('broadcastNotice', {
      taskQueue,
      workflowId: `notice-${noticeId}`,
      args: [{ noticeId, orgUnitId: unit.id, title: '社区通知', body: '明早八点清理楼道杂物。', sentBy: { userId: null, name: '社区' } }],
    });
    expect(result.written).toBe(result.recipients);
    expect(result.recipients).toBeGreaterThan(0);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('npm run api serves /health and drains on SIGTERM', async () => {
    const port = await freePort();
    const api = run('api', { PORT: String(port) });
    procs.push(api);
    await until('api start', api, () => api.output().includes('API listening'));
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  });
});
