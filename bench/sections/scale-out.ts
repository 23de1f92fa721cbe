/**
 * Scale-out: the intake section's closed-loop case (王芳 reports → 李明's inbox shows the 受理 task →
 * he completes it with outcome reject, which ends the case) on one API + one worker (the run's own
 * children), then on two APIs + two workers: a second API process (its own port) and a second
 * worker process on the same Temporal task queue and the same MariaDB database, started here with
 * the same environment as the run's children (BenchContext.spawn). Requests go round-robin over the
 * APIs (each request to the next one, as a balancer without affinity would send them: a case may be
 * reported on one API, seen in the inbox on the other and rejected on the first).
 *
 * Measured: cases/s at 16 and 32 callers (quick: 4) for 20 s each (quick: 5 s) after a warm-up, in
 * both layouts, alternating at each level (1×1, then 2×2 right after: the second worker is stopped
 * for each 1×1 run) so that a ratio compares runs under the same load from others; the ratio 2×2 ÷ 1×1; CPU per case of every process (/proc); then, on 2×2, a closed
 * loop of inbox reads alone (GET /api/tasks as 李明) for the API's CPU per inbox request. From these:
 * cases per day per worker core and inbox requests per second per API core (README, sizing table).
 *
 * Checked afterwards, from MySQL and Temporal, for every case the section reported (warm-ups too):
 * its id was answered once and exists exactly once (no case row without an answer either: the
 * descriptions carry a per-run tag), it reached REJECTED (a case whose loop failed: still open at
 * 受理), it has one 受理 task row (no duplicate task rows), its audit chain verifies
 * (domain/audit-verify.ts), and its workflow is COMPLETED (a failed one: RUNNING).
 *
 * The extra processes are stopped at the end, also when the section fails; cases left open by
 * failed loops are rejected through the workflow update, as in the intake section.
 */
import crypto from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { beijingDay } from '../../domain/case-number';
import { verifyCasesAudit } from '../../domain/audit-verify';
import { auditPublicKeyOf, localAuditKeyText } from '../../platform/audit-keys';
import { config } from '../../platform/config';
import { backgroundBusy, contention, CpuMeter, cpuPer, describeCpu, servicePids, type CpuUsage } from '../lib/cpu';
import { gridPoints } from '../lib/grid-points';
import { ApiClient, type Reply } from '../lib/http';
import { judgeCases, problemCount, type CaseFacts, type Consistency } from '../lib/consistency';
import { rejectLeftovers } from '../lib/leftovers';
import { closedLoop, sleep } from '../lib/load';
import { fmt, summarize, type Summary } from '../lib/stats';
import type { LevelResult } from '../lib/throughput';
import type { BenchChild, BenchContext, BenchRow, BenchSection } from '../lib/types';

const ID = 'scale-out';
const TITLE = 'Scale-out (2 APIs × 2 workers)';
const REPORTER = 'wangfang';
const HANDLER = 'dhm1.handler';
const CATEGORY = 'SS01';
const INBOX_TIMEOUT_MS = 30_000;
/** sizing assumptions (README, Performance: the sizing table) */
const PEAK_HOUR_SHARE = 0.15;
const INBOX_READS_PER_CASE = 20;
const TARGET_UTILISATION = 0.5;
const DAY_MS = 86_400_000;

interface Layout {
  name: '1×1' | '2×2';
  apis: ApiClient[];
  pids: () => Record<string, number | undefined>;
}

/** One closed-loop level (the shape the throughput sections share), on one layout, with where its CPU went. */
interface Level extends LevelResult {
  layout: string;
  requests: number;
  cpu: CpuUsage;
  cpuPer: Record<string, number>;
  /** CPU ms per case of all API processes together, of all workers together */
  apiMsPerCase: number;
  workerMsPerCase: number;
  temporalMsPerCase: number;
  mariadbMsPerCase: number;
  /** API CPU ms per HTTP request (the case's mix: report, inbox polls, reject) */
  apiMsPerRequest: number;
}

const sum = (u: CpuUsage, prefix: string) => Object.entries(u.procs).filter(([k, v]) => k.startsWith(prefix) && Number.isFinite(v)).reduce((a, [, v]) => a + v, 0);

export const scaleOutSection: BenchSection = {
  id: ID,
  title: TITLE,
  async run(ctx) {
    const cfg = config();
    const levels = ctx.quick ? [4] : [16, 32];
    const durationMs = ctx.quick ? 5_000 : 20_000;
    const warmupMs = ctx.quick ? 1_000 : 3_000;
    const inboxMs = ctx.quick ? 3_000 : 10_000;
    const points = await gridPoints(ctx.prisma, REPORTER, 100);
    const handlerUser = await ctx.prisma.user.findUniqueOrThrow({ where: { username: HANDLER }, select: { id: true, displayName: true } });
    const idleBusy = await backgroundBusy();
    const services = servicePids(cfg.dataDir);
    // case numbers are workflow ids on a shared namespace: start 东城区's counter at a random base (see intake)
    const base = 1_000_000 + crypto.randomInt(0, 8_000_000);
    await ctx.prisma.$executeRaw`INSERT INTO case_sequences (prefix, day, last) VALUES ('DC', ${beijingDay(new Date())}, ${base}) ON DUPLICATE KEY UPDATE last = GREATEST(last, ${base})`;
    // every case of this run carries the tag in its description, so rows nobody was answered about show up too
    const tag = `SO-${ctx.taskQueue.replace(/^bench-/, '')}-${crypto.randomBytes(3).toString('hex')}`;

    /** every id POST /api/cases answered, with how many times */
    const answered = new Map<string, number>();
    /** reported cases not yet rejected → their Task_Accept (null: not seen in the inbox) */
    const open = new Map<string, string | null>();
    let postErrors = 0;
    let n = 0;
    let rr = 0;

    const check = (r: Reply, what: string, status = 200) => {
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${typeof r.body === 'string' ? r.body.slice(0, 200) : JSON.stringify(r.body).slice(0, 300)}`);
      return r;
    };

    /** one case, each request to the next API (round-robin) */
    const caseOp = (apis: ApiClient[], counter: { requests: number }) => async () => {
      const next = () => {
        counter.requests += 1;
        return apis[rr++ % apis.length];
      };
      const i = ++n;
      const p = points[i % points.length];
      const t0 = performance.now();
      let r: Reply;
      try {
        r = check(
          await next().request('POST', '/api/cases', {
            as: REPORTER,
            headers: { 'Idempotency-Key': crypto.randomUUID() },
            body: { category: CATEGORY, description: `井盖缺失（扩展压测 ${tag} ${i}）`, location: { lat: p.lat, lng: p.lng, address: '东华门大街' } },
          }),
          'POST /api/cases',
          201,
        );
      } catch (e) {
        postErrors += 1;
        throw e;
      }
      const caseId = r.body.id as string;
      answered.set(caseId, (answered.get(caseId) ?? 0) + 1);
      open.set(caseId, null);
      let taskId: string | undefined;
      for (let wait = 10; ; wait = Math.min(wait * 2, 50)) {
        const q = check(await next().request('GET', `/api/tasks?caseId=${encodeURIComponent(caseId)}`, { as: HANDLER }), 'GET /api/tasks');
        taskId = (q.body.items as { id: string; elementId: string; state: string }[]).find((x) => x.elementId === 'Task_Accept' && x.state === 'OPEN')?.id;
        if (taskId) break;
        if (performance.now() - t0 > INBOX_TIMEOUT_MS) throw new Error(`${caseId}: no open Task_Accept in ${HANDLER}'s inbox after ${INBOX_TIMEOUT_MS / 1000} s`);
        await sleep(wait);
      }
      open.set(caseId, taskId);
      const done = check(
        await next().request('POST', `/api/tasks/${encodeURIComponent(taskId)}/complete`, { as: HANDLER, headers: { 'Idempotency-Key': crypto.randomUUID() }, body: { outcome: 'reject' } }),
        `complete ${taskId}`,
      );
      if (done.body.case?.status !== 'REJECTED') throw new Error(`${caseId}: ${done.body.case?.status} after reject, expected REJECTED`);
      open.delete(caseId);
      return { caseId, ms: performance.now() - t0 };
    };

    const measure = async (layout: Layout, concurrency: number): Promise<Level> => {
      const meter = new CpuMeter(layout.pids);
      await closedLoop({ concurrency, durationMs: warmupMs }, caseOp(layout.apis, { requests: 0 }));
      const counter = { requests: 0 };
      const a = meter.snapshot();
      const r = await closedLoop({ concurrency, durationMs }, caseOp(layout.apis, counter));
      const cpu = CpuMeter.diff(a, meter.snapshot());
      const cases = Math.max(1, r.ok.length);
      const l: Level = {
        layout: layout.name,
        concurrency,
        perSecond: r.ok.length / (r.elapsedMs / 1000),
        completed: r.ok.length,
        errors: r.errors,
        errorSamples: r.errorSamples,
        latency: summarize(r.ok.map((x) => x.ms)),
        requests: counter.requests,
        cpu,
        cpuPer: cpuPer(cpu, cases),
        apiMsPerCase: sum(cpu, 'api') / cases,
        workerMsPerCase: sum(cpu, 'worker') / cases,
        temporalMsPerCase: sum(cpu, 'temporal') / cases,
        mariadbMsPerCase: sum(cpu, 'mariadb') / cases,
        apiMsPerRequest: sum(cpu, 'api') / Math.max(1, counter.requests),
      };
      ctx.log(
        `${layout.name} c=${concurrency}: ${fmt(l.perSecond)} cases/s, p50 ${fmt(l.latency.p50)} ms, p99 ${fmt(l.latency.p99)} ms, ${l.errors} errors, ${(counter.requests / cases).toFixed(1)} requests per case; ${describeCpu(cpu, cases, 'case')}`,
      );
      return l;
    };

    const rows: BenchRow[] = [];
    const notes: string[] = [contention(idleBusy)];
    const details: Record<string, unknown> = { machineBusyBeforePct: idleBusy, tag };
    const extra: BenchChild[] = [];
    const results: Level[] = [];
    let failed: unknown;
    let inbox: { perSecond: number; requests: number; errors: number; latency: Summary; cpu: CpuUsage; apiMsPerRequest: number } | undefined;
    try {
      const api1 = new ApiClient(ctx.apiUrl);
      await Promise.all([api1.token(REPORTER), api1.token(HANDLER)]);
      const one: Layout = { name: '1×1', apis: [api1], pids: () => ({ api: ctx.api.pid, worker: ctx.worker.pid, temporal: services.temporal, mariadb: services.mariadb }) };
      // the second API and the second worker, on the same task queue and database
      const [api2Proc, worker2Proc] = await Promise.all([ctx.spawn('api', 'scale-out-api2'), ctx.spawn('worker', 'scale-out-worker2')]);
      extra.push(api2Proc, worker2Proc);
      const api2 = new ApiClient(api2Proc.url!);
      const two: Layout = {
        name: '2×2',
        apis: [api1, api2],
        pids: () => ({ api1: ctx.api.pid, api2: api2Proc.pid, worker1: ctx.worker.pid, worker2: worker2Proc.pid, temporal: services.temporal, mariadb: services.mariadb }),
      };
      // the layouts alternate at each level (1×1, then 2×2 at the same level right after), so the two
      // runs a ratio compares share the machine's load of the moment (other runs come and go): the
      // second worker is stopped for each 1×1 run (an idle API takes nothing, a running worker would take tasks)
      for (const c of levels) {
        results.push(await measure(one, c));
        ctx.log('starting the second API and worker …');
        await Promise.all([api2Proc.pid < 0 ? api2Proc.start() : undefined, worker2Proc.start()]);
        await Promise.all([api2.token(REPORTER), api2.token(HANDLER)]);
        results.push(await measure(two, c));
        if (c !== levels[levels.length - 1]) {
          await worker2Proc.stop();
          ctx.log('second worker stopped for the next 1×1 run');
        }
      }

      // inbox reads alone, round-robin over both APIs: the API's CPU per inbox request
      {
        const meter = new CpuMeter(() => ({ api1: ctx.api.pid, api2: api2Proc.pid }));
        const concurrency = levels[0];
        await closedLoop({ concurrency, durationMs: warmupMs }, async () => check(await two.apis[rr++ % 2].request('GET', '/api/tasks', { as: HANDLER }), 'GET /api/tasks'));
        const a = meter.snapshot();
        const r = await closedLoop({ concurrency, durationMs: inboxMs }, async () => check(await two.apis[rr++ % 2].request('GET', '/api/tasks', { as: HANDLER }), 'GET /api/tasks').ms);
        const cpu = CpuMeter.diff(a, meter.snapshot());
        inbox = { perSecond: r.ok.length / (r.elapsedMs / 1000), requests: r.ok.length, errors: r.errors, latency: summarize(r.ok), cpu, apiMsPerRequest: sum(cpu, 'api') / Math.max(1, r.ok.length) };
        ctx.log(`inbox reads (GET /api/tasks as ${HANDLER}, ${concurrency} callers, 2 APIs): ${fmt(inbox.perSecond)} req/s, p50 ${fmt(inbox.latency.p50)} ms, p99 ${fmt(inbox.latency.p99)} ms, ${r.errors} errors; ${describeCpu(cpu, Math.max(1, r.ok.length), 'request')}`);
      }
    } catch (e) {
      failed = e;
    } finally {
      // the extra processes go first (also on failure); worker 1 finishes whatever they left
      await Promise.all(extra.map((p) => p.stop()));
      if (extra.length) ctx.log(`second API and worker stopped (${extra.map((p) => (p.pid < 0 ? 'exited' : `pid ${p.pid} still running`)).join(', ')})`);
    }
    if (failed) {
      // no case of this section stays open on the shared Temporal server
      await rejectLeftovers(ctx, open, { userId: handlerUser.id, name: handlerUser.displayName }).catch((e) => ctx.log(`rejecting the cases left open failed: ${(e as Error).message}`));
      throw failed;
    }

    // no case lost or duplicated: MySQL and Temporal, every case this section reported
    const leftovers = new Map(open);
    const consistency = await verify(ctx, tag, answered, leftovers, postErrors);
    details.consistency = consistency;
    details.cleanup = await rejectLeftovers(ctx, open, { userId: handlerUser.id, name: handlerUser.displayName });
    details.levels = results;
    details.inbox = inbox;

    // rows
    for (const l of results) {
      rows.push({ measure: `cases/s, ${l.layout} (API × worker processes), ${l.concurrency} callers (report → inbox → reject, closed loop ${durationMs / 1000} s)`, value: Number(l.perSecond.toFixed(2)), unit: `/s (p50 ${fmt(l.latency.p50)} ms, p99 ${fmt(l.latency.p99)} ms${l.errors ? `, ${l.errors} errors` : ''}; machine ${fmt(l.cpuPer.machineBusyPct, 0)} % busy, ${fmt(l.cpuPer.listedPct, 0)} % ours)` });
    }
    const peakOf = (name: string) => results.filter((l) => l.layout === name).reduce<Level | undefined>((a, b) => (!a || b.perSecond > a.perSecond ? b : a), undefined);
    const p1 = peakOf('1×1');
    const p2 = peakOf('2×2');
    for (const c of levels) {
      const a = results.find((l) => l.layout === '1×1' && l.concurrency === c);
      const b = results.find((l) => l.layout === '2×2' && l.concurrency === c);
      if (a && b && levels.length > 1) rows.push({ measure: `2×2 ÷ 1×1 at ${c} callers (run back to back)`, value: Number((b.perSecond / a.perSecond).toFixed(2)) });
    }
    if (p1 && p2) {
      rows.push({ measure: `peak 2×2 ÷ peak 1×1 (${fmt(p2.perSecond)} ÷ ${fmt(p1.perSecond)}; the 2 cores are shared by everything, so this measures overhead, not speed-up)`, value: Number((p2.perSecond / p1.perSecond).toFixed(2)) });
      for (const l of [p1, p2]) {
        rows.push({
          measure: `CPU per case at the ${l.layout} peak (${l.concurrency} callers): API / worker / Temporal / MariaDB (all processes of a kind together)`,
          value: `${fmt(l.apiMsPerCase)} / ${fmt(l.workerMsPerCase)} / ${fmt(l.temporalMsPerCase)} / ${fmt(l.mariadbMsPerCase)}`,
          unit: 'ms',
        });
      }
      const workerMs = Math.max(p1.workerMsPerCase, p2.workerMsPerCase);
      const apiReqMs = Math.max(p1.apiMsPerRequest, p2.apiMsPerRequest);
      rows.push({ measure: `cases per day per worker core (${fmt(workerMs)} worker CPU ms per case, the higher of the two peaks)`, value: Math.floor(DAY_MS / workerMs), unit: 'cases/day' });
      rows.push({ measure: `API requests/s per API core, the case's mix (report, inbox polls, reject: ${fmt(apiReqMs)} API CPU ms per request)`, value: Number((1000 / apiReqMs).toFixed(0)), unit: 'req/s' });
    }
    if (inbox) {
      rows.push({
        measure: `inbox requests/s per API core (GET /api/tasks as ${HANDLER} over both APIs, ${fmt(inbox.apiMsPerRequest)} API CPU ms per request; small bench inbox)`,
        value: Number((1000 / inbox.apiMsPerRequest).toFixed(0)),
        unit: `req/s (measured ${fmt(inbox.perSecond)} req/s on 2 APIs, p99 ${fmt(inbox.latency.p99)} ms)`,
      });
    }
    const problems = problemCount(consistency);
    rows.push({
      measure: `cases checked in MySQL and Temporal (${consistency.reported} reported: lost / duplicated / unanswered rows / wrong status / duplicate task rows / broken audit chains / workflows not as expected)`,
      value: `${consistency.missing.length} / ${consistency.duplicated.length} / ${consistency.unanswered.length} / ${consistency.wrongStatus.length} / ${consistency.duplicateTasks.length} / ${consistency.auditBroken.length} / ${consistency.workflowsWrong.length}`,
      target: 'all 0',
      met: problems === 0 && consistency.reported > 0,
    });

    notes.push(...whereTimeGoes(results, p1, p2, inbox, consistency));
    return { id: ID, title: TITLE, rows, notes, details };
  },
};

type Checked = Consistency & { postErrors: number; ms: number };

async function verify(ctx: BenchContext, tag: string, answered: Map<string, number>, leftOpen: Map<string, string | null>, postErrors: number): Promise<Checked> {
  const t0 = performance.now();
  const ids = [...answered.keys()];
  const rows = await ctx.prisma.case.findMany({ where: { description: { contains: tag } }, select: { id: true, status: true } });
  const found = new Set(rows.map((r) => r.id));
  const cfg = config();
  const key = auditPublicKeyOf({ audit: { key: cfg.audit.key ?? localAuditKeyText(cfg.dataDir), publicKey: cfg.audit.publicKey } });
  const tasks: CaseFacts['tasks'] = [];
  const audit: CaseFacts['audit'] = new Map();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    tasks.push(...(await ctx.prisma.task.findMany({ where: { caseId: { in: chunk } }, select: { caseId: true, elementId: true, state: true, outcome: true } })));
    for (const a of await verifyCasesAudit(ctx.prisma, chunk.filter((id) => found.has(id)), key)) audit.set(a.caseId, { intact: a.intact, rows: a.rows, reason: a.problems[0]?.reason });
  }
  const workflows: CaseFacts['workflows'] = new Map();
  await closedLoop({ concurrency: 16, count: ids.length }, async (i) => {
    try {
      workflows.set(ids[i], (await ctx.temporal.client.workflow.getHandle(ids[i]).describe()).status.name);
    } catch (e) {
      workflows.set(ids[i], e instanceof WorkflowNotFoundError ? 'NOT_FOUND' : `ERROR ${(e as Error).message.slice(0, 80)}`);
    }
  });
  const c = { ...judgeCases({ answered, leftOpen: new Set(leftOpen.keys()), rows, tasks, audit, workflows }), postErrors, ms: performance.now() - t0 };
  ctx.log(
    `checked ${ids.length} cases (${leftOpen.size} left open by failed loops, ${postErrors} failed reports) in ${(c.ms / 1000).toFixed(1)} s: ${c.missing.length} lost, ${c.duplicated.length} duplicated, ${c.unanswered.length} unanswered rows, ${c.wrongStatus.length} wrong status, ${c.duplicateTasks.length} with duplicate or unexpected task rows, ${c.auditBroken.length} broken audit chains, ${c.workflowsWrong.length} workflows not as expected (${Object.entries(c.workflowStatuses).map(([k, v]) => `${k} ${v}`).join(', ')})`,
  );
  return c;
}


function whereTimeGoes(levels: Level[], p1: Level | undefined, p2: Level | undefined, inbox: { apiMsPerRequest: number; perSecond: number } | undefined, c: Checked): string[] {
  const notes: string[] = [];
  if (p1 && p2) {
    const cores = p2.cpu.wallMs > 0 ? Math.round(p2.cpu.machineTotal / p2.cpu.wallMs) : NaN;
    notes.push(
      `Throughput: 1×1 peaks at ${fmt(p1.perSecond)} cases/s (${p1.concurrency} callers), 2×2 at ${fmt(p2.perSecond)} cases/s (${p2.concurrency} callers), ratio ${fmt(p2.perSecond / p1.perSecond, 2)}. ` +
        `This machine has ${cores} cores, shared by both APIs, both workers, Temporal's dev server, MariaDB and the load generator: a second API and worker add no CPU, only processes competing for the same cores, so the ratio shows the cost of running two of each (more connections and pollers, a second sticky cache, a second Node heap), not the speed-up a second host would give. ` +
        `What scales is the CPU per case of each process kind: 1×1 ${describeCpu(p1.cpu, Math.max(1, p1.completed), 'case')}; 2×2 ${describeCpu(p2.cpu, Math.max(1, p2.completed), 'case')}.`,
    );
    const workerMs = Math.max(p1.workerMsPerCase, p2.workerMsPerCase);
    const apiCaseMs = Math.max(p1.apiMsPerCase, p2.apiMsPerCase);
    const inboxMs = inbox?.apiMsPerRequest ?? Math.max(p1.apiMsPerRequest, p2.apiMsPerRequest);
    const sizing = [5_000, 200_000].map((perDay) => {
      const peak = (perDay * PEAK_HOUR_SHARE) / 3600;
      const workerCores = (peak * workerMs) / 1000 / TARGET_UTILISATION;
      const apiCores = (peak * (apiCaseMs + INBOX_READS_PER_CASE * inboxMs)) / 1000 / TARGET_UTILISATION;
      const temporalCores = (peak * Math.max(p1.temporalMsPerCase, p2.temporalMsPerCase)) / 1000 / TARGET_UTILISATION;
      const dbCores = (peak * Math.max(p1.mariadbMsPerCase, p2.mariadbMsPerCase)) / 1000 / TARGET_UTILISATION;
      return `${perDay.toLocaleString('en')} cases/day: peak ${fmt(peak, 2)} cases/s, worker ${fmt(workerCores, 2)} cores, API ${fmt(apiCores, 2)} cores, Temporal ${fmt(temporalCores, 2)} cores, database ${fmt(dbCores, 2)} cores`;
    });
    notes.push(
      `Sizing (README, Performance): worker ${fmt(workerMs)} CPU ms per case → ${Math.floor(DAY_MS / workerMs).toLocaleString('en')} cases/day per worker core at 100 %; API ${fmt(apiCaseMs)} ms per case for the case's own requests and ${fmt(inboxMs)} ms per inbox read → ${fmt(1000 / inboxMs)} inbox requests/s per API core. ` +
        `With the peak hour carrying ${PEAK_HOUR_SHARE * 100} % of a day's cases, ${INBOX_READS_PER_CASE} inbox reads per case and every process kind kept at ${TARGET_UTILISATION * 100} % CPU: ${sizing.join('; ')} (Temporal and database cores from the dev server's and MariaDB's CPU here: an order of magnitude for a cluster, not its sizing).`,
    );
  }
  if (c.leftOpen) notes.push(`${c.leftOpen} cases were left open by failed loops (${levels.flatMap((l) => l.errorSamples).slice(0, 2).join(' | ')}); the check expects them at 受理 with their workflow running, then rejects them.`);
  const bad = [...c.missing, ...c.duplicated, ...c.unanswered, ...c.wrongStatus, ...c.duplicateTasks, ...c.auditBroken, ...c.workflowsWrong];
  notes.push(
    bad.length
      ? `Consistency problems (${bad.length}): ${bad.slice(0, 5).join('; ')}.`
      : `Consistency: all ${c.reported} cases reported (warm-ups included, over both layouts) exist exactly once with the run's tag, none without an answer, each at the expected status with one 受理 task row, each audit chain verifies (domain/audit-verify.ts), and each workflow is ${c.leftOpen ? 'COMPLETED or, for the cases left open, RUNNING' : 'COMPLETED'} (checked in ${(c.ms / 1000).toFixed(1)} s).`,
  );
  return notes;
}
