/**
 * Fault tolerance under load (`npm run test:faults`, on private services under .data/faults/).
 *
 * The worker and the API run as separate processes, as in production. While two reporters and two
 * handlers keep reporting cases and working them through the HTTP API (every write with an
 * Idempotency-Key, retried with the same key after a network error, a 503 or a 409 "still
 * running"), the suite injects, one after the other:
 *   1. kill -9 of the worker, then a restart;
 *   2. a stop and restart of the Temporal dev server (its SQLite file persists);
 *   3. a stop and restart of MariaDB;
 *   4. kill -9 of the API process while requests are in flight, then a restart.
 * Some cases belong to a category whose 处置 limit at community tier is one minute, so their
 * deadlines fall due during the faults and must still escalate (超时 → 逐级上报 to the street).
 *
 * Afterwards every case reaches its expected state (结案 CLOSED, after the escalation where one was
 * due); no case, task or audit row is lost or doubled; every audit chain verifies; the API answered
 * 503 problem+json while a dependency was down and recovered by itself within 30 s. A table of
 * faults, requests, cases and anomalies is printed; the anomalies must be 0.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopService } from '../../platform/bootstrap';
import { entryProcess, type EntryProcess } from '../../platform/bootstrap/child';
import { ensureDatabase } from '../../platform/bootstrap/mariadb';
import { freePort } from '../../platform/bootstrap/proc';
import { ensureTemporal } from '../../platform/bootstrap/temporal';
import { loadConfig } from '../../platform/config';
import { createPrisma, type PrismaClient } from '../../platform/db/prisma';
import { connectTemporal, type TemporalHandle } from '../../platform/temporal/client';
import { auditScheduleId } from '../../platform/temporal/schedules';
import { verifyCaseAudit } from '../../domain/audit-verify';

const PASSWORD = 'GridCase#2026';
const POINT = { lat: 39.907529, lng: 116.3894464 }; // inside 王芳's grid 3
const RECOVERY_LIMIT_MS = 30_000;
const FAST_CATEGORY = 'FT01';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many shapes
  body: any;
  contentType: string;
}

/** What the clients saw: every request, every 503, every anomaly. */
const seen = {
  requests: 0,
  retries: 0,
  networkErrors: 0,
  unavailable: [] as { at: number; field: string | undefined; problemJson: boolean }[],
  anomalies: [] as string[],
};

function anomaly(what: string): void {
  seen.anomalies.push(what);
  process.stderr.write(`anomaly: ${what}\n`);
}

/** The HTTP client of the apps: retries with the same Idempotency-Key until an answer that is not "try again". */
class ResilientClient {
  private tokens = new Map<string, string>();
  inFlightWrites = 0;
  constructor(private base: () => string) {}

  async once(method: string, url: string, opts: { token?: string; body?: unknown; key?: string }): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    seen.requests += 1;
    const write = method !== 'GET';
    if (write) this.inFlightWrites += 1;
    try {
      const res = await fetch(this.base() + url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, contentType: res.headers.get('content-type') ?? '' };
    } finally {
      if (write) this.inFlightWrites -= 1;
    }
  }

  async token(user: string): Promise<string> {
    const have = this.tokens.get(user);
    if (have) return have;
    const r = await this.call('POST', '/api/auth/token', { body: { username: user, password: PASSWORD } });
    if (r.status !== 200) throw new Error(`sign-in of ${user}: ${r.status} ${JSON.stringify(r.body)}`);
    this.tokens.set(user, r.body.access_token);
    return r.body.access_token;
  }

  /** One logical request: retried on network errors, 503 and 409 IDEMPOTENCY_IN_PROGRESS for up to 3 minutes. */
  async call(method: string, url: string, opts: { as?: string; body?: unknown; key?: string } = {}): Promise<Reply> {
    const until = Date.now() + 180_000;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) seen.retries += 1;
      if (Date.now() > until) throw new Error(`${method} ${url} found no answer within 3 minutes`);
      let r: Reply;
      try {
        r = await this.once(method, url, { token: opts.as ? await this.token(opts.as) : undefined, body: opts.body, key: opts.key });
      } catch {
        seen.networkErrors += 1;
        await sleep(300);
        continue;
      }
      if (r.status === 503) {
        seen.unavailable.push({ at: Date.now(), field: r.body?.field, problemJson: /^application\/problem\+json/.test(r.contentType) });
        await sleep(500);
        continue;
      }
      if (r.status >= 500) {
        anomaly(`${method} ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        await sleep(500);
        continue;
      }
      if (r.status === 409 && r.body?.code === 'IDEMPOTENCY_IN_PROGRESS') {
        await sleep(1000);
        continue;
      }
      return r;
    }
  }
}

interface Task {
  id: string;
  elementId: string;
  state: string;
  tier: string;
}

describe('fault tolerance under load', () => {
  const dbName = process.env.GRIDCASE_FAULTS_DB_NAME;
  const run = crypto.randomBytes(3).toString('hex');
  const marker = `故障演练-${run}`;
  const local = loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '', TEMPORAL_ADDRESS: '' });
  const log = (line: string) => process.stdout.write(`faults: ${line}\n`);
  let prisma: PrismaClient;
  let temporal: TemporalHandle;
  let worker: EntryProcess;
  let api: EntryProcess;
  let port = 0;
  const client = new ResilientClient(() => `http://127.0.0.1:${port}`);

  beforeAll(async () => {
    if (!dbName || !process.env.DATABASE_URL || !process.env.TEMPORAL_ADDRESS) throw new Error('run this suite with `npm run test:faults`: it stops and restarts the services it runs on');
    prisma = createPrisma(process.env.DATABASE_URL);
    temporal = await connectTemporal({ address: process.env.TEMPORAL_ADDRESS, namespace: local.temporal.namespace, tls: undefined, apiKey: undefined });
    port = await freePort();
    const logDir = path.join(local.dataDir, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      TEMPORAL_TASK_QUEUE: `faults-${run}`,
      GRIDCASE_JWT_SECRET: crypto.randomBytes(32).toString('base64url'),
      // the demo accounts sign in with the demo password: the production entry refuses that otherwise
      GRIDCASE_ALLOW_DEMO_PASSWORDS: '1',
      GRIDCASE_ATTACHMENT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gridcase-faults-')),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    const entry = (name: string, ready: RegExp) =>
      entryProcess({ file: path.join(local.root, 'cli', `${name}.ts`), cwd: local.root, env, ready, logFile: path.join(logDir, `faults-${name}.log`) });
    worker = entry('worker', /worker polling/);
    api = entry('api', /API listening/);
    await Promise.all([worker.start(), api.start()]);

    // a category whose 处置 limit at community tier is one minute (the standard closed loop)
    const parent = await prisma.category.findUniqueOrThrow({ where: { code: 'SS' }, select: { id: true } });
    const created = await client.call('POST', '/api/admin/categories', {
      as: 'admin',
      key: `faults-category-${run}`,
      body: {
        code: FAST_CATEGORY,
        name: '故障演练（一分钟时限）',
        level: 'MINOR',
        parentId: parent.id,
        processKey: 'standard-closed-loop',
        timeLimits: [
          { tier: 'VILLAGE', duration: 'PT1M', calendar: 'CLOCK' },
          { tier: 'TOWNSHIP', duration: 'P5D', calendar: 'CLOCK' },
          { tier: 'DISTRICT', duration: 'P5D', calendar: 'CLOCK' },
        ],
      },
    });
    expect([201, 409]).toContain(created.status);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([api?.kill('SIGTERM'), worker?.kill('SIGTERM')]);
    // the worker created the audit checkpoint schedule of this run's task queue
    await temporal?.client.schedule.getHandle(auditScheduleId(`faults-${run}`)).delete().catch(() => undefined);
    await temporal?.close();
    await prisma?.$disconnect();
  });

  it('keeps every case through worker, Temporal, MariaDB and API crashes: nothing lost, nothing doubled, deadlines fire, 503 then recovery', async () => {
    /** idempotency key of each report → the case it made */
    const reports = new Map<string, { caseId: string; fast: boolean }>();
    const queue: { caseId: string; fast: boolean }[] = [];
    const escalating: string[] = [];
    const closed: string[] = [];
    let loading = true;
    // one-minute cases are reported until the last dependency fault, so their deadlines fall during the faults
    let reportFast = true;
    let reportNo = 0;

    /** the open task of the element in the caller's inbox */
    async function inboxTask(user: string, caseId: string, elementId: string, tier?: string, timeoutMs = 150_000): Promise<Task> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const r = await client.call('GET', `/api/tasks?caseId=${encodeURIComponent(caseId)}`, { as: user });
        if (r.status !== 200) throw new Error(`inbox of ${user}: ${r.status} ${JSON.stringify(r.body)}`);
        const t = (r.body.items as Task[]).find((x) => x.elementId === elementId && (x.state === 'OPEN' || x.state === 'CLAIMED') && (!tier || x.tier === tier));
        if (t) return t;
        if (Date.now() > until) throw new Error(`${caseId}: no ${elementId}${tier ? ` at ${tier}` : ''} in ${user}'s inbox`);
        await sleep(300);
      }
    }

    async function act(user: string, caseId: string, task: Task, action: string, body: Record<string, unknown> = {}): Promise<void> {
      const r = await client.call('POST', `/api/tasks/${encodeURIComponent(task.id)}/${action}`, { as: user, key: `${caseId}:${task.id}:${action}`, body });
      if (r.status !== 200) anomaly(`${caseId} ${task.elementId} ${action} by ${user}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }

    async function handleAndVerify(user: string, caseId: string, tier: string): Promise<void> {
      const handle = await inboxTask(user, caseId, 'Task_Handle', tier);
      await act(user, caseId, handle, 'claim');
      await act(user, caseId, handle, 'complete', { outcome: 'done', data: { feedback: '已处置完毕' } });
      const verify = await inboxTask('wangfang', caseId, 'Task_Verify');
      await act('wangfang', caseId, verify, 'complete', { outcome: 'pass' });
      closed.push(caseId);
    }

    async function reporter(): Promise<void> {
      while (loading) {
        const n = ++reportNo;
        const fast = reportFast && n % 3 === 0;
        const key = `faults-${run}-report-${n}`;
        const r = await client.call('POST', '/api/cases', {
          as: 'wangfang',
          key,
          body: { category: fast ? FAST_CATEGORY : 'SS01', description: `${marker} 第${n}号 井盖缺失`, location: { ...POINT, address: '东华门大街12号' } },
        });
        if (r.status !== 201) anomaly(`report ${n}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        else {
          const c = { caseId: r.body.id as string, fast };
          const before = reports.get(key);
          if (before && before.caseId !== c.caseId) anomaly(`report ${n} answered with two cases: ${before.caseId} and ${c.caseId}`);
          reports.set(key, c);
          queue.push(c);
        }
        await sleep(400);
      }
    }

    async function handler(): Promise<void> {
      while (loading || queue.length) {
        const c = queue.shift();
        if (!c) {
          await sleep(200);
          continue;
        }
        try {
          const accept = await inboxTask('dhm1.handler', c.caseId, 'Task_Accept');
          await act('dhm1.handler', c.caseId, accept, 'claim');
          await act('dhm1.handler', c.caseId, accept, 'complete', { outcome: 'accept' });
          for (const step of ['Task_Register', 'Task_Dispatch']) await act('dhm1.handler', c.caseId, await inboxTask('dhm1.handler', c.caseId, step), 'complete');
          // the one-minute cases wait for their deadline (超时 → 逐级上报); the others are handled now
          if (c.fast) escalating.push(c.caseId);
          else await handleAndVerify('dhm1.handler', c.caseId, 'VILLAGE');
        } catch (e) {
          anomaly(`${c.caseId}: ${(e as Error).message}`);
        }
      }
    }

    /** ms from `since` until GET /health answers 200 and a report is accepted */
    async function recovery(since: number): Promise<number> {
      for (;;) {
        try {
          const h = await client.once('GET', '/health', {});
          if (h.status === 200) break;
        } catch {
          /* API not listening yet */
        }
        if (Date.now() - since > 120_000) return Infinity;
        await sleep(250);
      }
      const n = ++reportNo;
      const key = `faults-${run}-probe-${n}`;
      const r = await client.call('POST', '/api/cases', { as: 'wangfang', key, body: { category: 'SS01', description: `${marker} 第${n}号 恢复探测`, location: POINT } });
      const at = Date.now() - since;
      if (r.status === 201) {
        reports.set(key, { caseId: r.body.id, fast: false });
        queue.push({ caseId: r.body.id, fast: false });
      } else anomaly(`probe report after recovery: ${r.status}`);
      return at;
    }

    async function expect503While(what: string, field: string, from: number): Promise<void> {
      // the clients keep trying during the outage; one direct request makes sure one 503 is seen
      try {
        const h = await client.once('GET', '/health', {});
        if (h.status === 503) seen.unavailable.push({ at: Date.now(), field: h.body?.field, problemJson: /^application\/problem\+json/.test(h.contentType) });
        else anomaly(`${what} down, yet GET /health answered ${h.status}`);
      } catch (e) {
        anomaly(`${what} down, GET /health failed: ${(e as Error).message}`);
      }
      const during = seen.unavailable.filter((u) => u.at >= from && u.field === field);
      if (!during.length) anomaly(`no 503 naming ${field} while ${what} was down`);
      if (during.some((u) => !u.problemJson)) anomaly(`a 503 while ${what} was down was not application/problem+json`);
    }

    const faults: { fault: string; recoveredMs: number }[] = [];
    const loops = [reporter(), reporter(), handler(), handler()];
    const t0 = Date.now();
    await sleep(10_000);

    // 1. kill -9 the worker; reports keep coming (the API only needs Temporal and MySQL)
    log('kill -9 the worker');
    await worker.kill('SIGKILL');
    await sleep(5_000);
    let at = Date.now();
    await worker.start();
    faults.push({ fault: 'worker killed (kill -9), restarted', recoveredMs: await recovery(at) });
    await sleep(8_000);

    // 2. stop the Temporal dev server, then start it again on the same SQLite file
    log('stop Temporal');
    let down = Date.now();
    await stopService(local.dataDir, 'temporal');
    await sleep(6_000);
    await expect503While('Temporal', 'temporal', down);
    await ensureTemporal(local, log);
    at = Date.now();
    faults.push({ fault: 'Temporal dev server stopped, restarted', recoveredMs: await recovery(at) });
    await sleep(8_000);

    // 3. stop MariaDB, then start it again
    log('stop MariaDB');
    down = Date.now();
    await stopService(local.dataDir, 'mariadb');
    await sleep(6_000);
    await expect503While('MariaDB', 'database', down);
    await ensureDatabase(local, dbName!, log);
    at = Date.now();
    faults.push({ fault: 'MariaDB stopped, restarted', recoveredMs: await recovery(at) });
    reportFast = false;
    await sleep(8_000);

    // 4. kill -9 the API while writes are in flight; the clients retry with their keys
    log('kill -9 the API mid-request');
    for (let i = 0; i < 100 && client.inFlightWrites === 0; i++) await sleep(20);
    const inFlight = client.inFlightWrites;
    await api.kill('SIGKILL');
    await sleep(2_000);
    at = Date.now();
    await api.start();
    faults.push({ fault: `API killed (kill -9) with ${inFlight} write(s) in flight, restarted`, recoveredMs: await recovery(at) });
    await sleep(8_000);

    loading = false;
    await Promise.all(loops);
    log(`load stopped after ${((Date.now() - t0) / 1000).toFixed(0)} s; ${escalating.length} one-minute cases wait for their deadline`);

    // the one-minute cases: escalated to the street by their deadline, then handled there
    for (const caseId of escalating) {
      try {
        await handleAndVerify('dhm.handler', caseId, 'TOWNSHIP');
      } catch (e) {
        anomaly(`${caseId}: ${(e as Error).message}`);
      }
    }

    // every case reached its expected state, once
    const caseIds = [...reports.values()].map((r) => r.caseId);
    if (new Set(caseIds).size !== caseIds.length) anomaly(`two reports answered with the same case`);
    const rows = await prisma.case.findMany({ where: { description: { startsWith: marker } }, select: { id: true, status: true } });
    const rowIds = new Set(rows.map((r) => r.id));
    for (const id of caseIds) if (!rowIds.has(id)) anomaly(`case ${id} was answered 201 but has no row (lost)`);
    for (const r of rows) if (!caseIds.includes(r.id)) anomaly(`case ${r.id} exists but no report made it (doubled)`);
    const deadline = Date.now() + 60_000;
    for (const id of caseIds) {
      for (;;) {
        const row = await prisma.case.findUnique({ where: { id }, select: { status: true } });
        if (row?.status === 'CLOSED') break;
        if (Date.now() > deadline) {
          anomaly(`case ${id} ended ${row?.status ?? 'without a row'}, expected CLOSED`);
          break;
        }
        await sleep(250);
      }
      const d = await temporal.client.workflow.getHandle(id).describe();
      if (d.status.name !== 'COMPLETED') anomaly(`workflow ${id} is ${d.status.name}, expected COMPLETED`);
    }

    // tasks and audit rows: none lost, none doubled; every chain intact; the deadlines fired
    let taskRows = 0;
    let auditRows = 0;
    for (const id of caseIds) {
      const fast = [...reports.values()].find((r) => r.caseId === id)?.fast ?? false;
      const tasks = await prisma.task.findMany({ where: { caseId: id }, select: { id: true, elementId: true, state: true, tier: true } });
      const audit = await prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' } });
      taskRows += tasks.length;
      auditRows += audit.length;
      // the chain, and its head on the case row (written with the rows, retries and kills included)
      const verified = await verifyCaseAudit(prisma, id, undefined);
      for (const p of verified.problems) anomaly(`audit trail of ${id}: ${p.code} at ${p.seq}: ${p.reason}`);
      const expected = fast ? ['Task_Accept', 'Task_Register', 'Task_Dispatch', 'Task_Handle', 'Task_Handle', 'Task_Verify'] : ['Task_Accept', 'Task_Register', 'Task_Dispatch', 'Task_Handle', 'Task_Verify'];
      const got = tasks.map((t) => t.elementId).sort();
      if (JSON.stringify(got) !== JSON.stringify([...expected].sort())) anomaly(`${id} has tasks ${got.join(',')}, expected ${expected.join(',')}`);
      const completes = audit.filter((a) => a.action === 'complete');
      const perTask = new Map<string, number>();
      for (const a of completes) {
        const taskId = (a.payload as { taskId?: string } | null)?.taskId ?? '';
        perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
      }
      for (const [taskId, count] of perTask) if (count > 1) anomaly(`${id}: task ${taskId} completed ${count} times`);
      if (fast) {
        if (!audit.some((a) => a.action === 'overdue')) anomaly(`${id}: its one-minute deadline never fired`);
        if (!tasks.some((t) => t.elementId === 'Task_Handle' && t.tier === 'TOWNSHIP')) anomaly(`${id}: not escalated to the street`);
      }
    }

    for (const f of faults) if (!(f.recoveredMs <= RECOVERY_LIMIT_MS)) anomaly(`${f.fault}: recovered after ${f.recoveredMs} ms (limit ${RECOVERY_LIMIT_MS} ms)`);

    const table = [
      ['faults injected', String(faults.length)],
      ...faults.map((f) => [`  ${f.fault}`, `answered again after ${(f.recoveredMs / 1000).toFixed(1)} s`]),
      ['requests sent', String(seen.requests)],
      ['  of which retried', String(seen.retries)],
      ['  503 problem+json seen', String(seen.unavailable.length)],
      ['  network errors (API down)', String(seen.networkErrors)],
      ['cases created', String(caseIds.length)],
      ['  of them escalated by a deadline', String(escalating.length)],
      ['  closed', String(closed.length)],
      ['task rows', String(taskRows)],
      ['audit rows (chains verified)', String(auditRows)],
      ['anomalies', String(seen.anomalies.length)],
    ];
    const w = Math.max(...table.map((r) => r[0].length));
    process.stdout.write(`\n${table.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`).join('\n')}\n\n`);
    expect(seen.anomalies).toEqual([]);
    expect(caseIds.length).toBeGreaterThan(20);
    expect(escalating.length).toBeGreaterThan(3);
  }, 900_000);
});
