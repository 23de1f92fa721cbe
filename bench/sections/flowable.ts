/**
 * GridCase side by side with Flowable 7.1 on the same work. The peer (bench/peers/flowable/, a
 * Java 17 program built here with Maven) embeds Flowable in its own process — no HTTP, no sign-in,
 * as Chinese integrators embed it — on its own MariaDB database on the same server
 * (`<database name>_flowable`, recreated each run), deploying the standard closed loop drawn the
 * Flowable way (candidate groups, deadlines as timer boundary events). In the same run:
 *
 * 1. case throughput at the baseline's levels (4 and 16 callers, closed loop, 20 s; quick: 4, 5 s):
 *    start → list the handler's tasks of the case → complete 受理 with reject. Flowable: in-process
 *    (startProcessInstanceByKey, taskCandidateGroupIn(...).processInstanceId(...), complete).
 *    GridCase: its Temporal client directly, no HTTP either — the case number, buildCaseInput and
 *    startCase as intake does, the inbox's listTasks service on MySQL until 受理 is there, the
 *    `complete` workflow update. The HTTP-driven figures are the intake section's.
 * 2. the candidate-group task query over 1 M cases of history (quick: 2 k), 20 callers, 30 s
 *    (quick: 5 s): Flowable's taskCandidateGroupIn(the handler's groups), first page by due date,
 *    against GridCase's inbox `claimable=true` for the same handler, in-process (listTasks), over
 *    the same history — the open tasks copied with their candidates from GridCase's bulk load.
 * 3. 10 k boundary timers due within one minute (quick: 200 in 10 s): escalations per second and
 *    lateness, Flowable's async executor tuned as its users would (see the peer's README); GridCase's
 *    figures come from the timers section of the same run when it ran.
 *
 * Rows say GridCase ÷ Flowable (above 1: GridCase does more per second, or waits longer).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mariadb from 'mariadb';
import type { ApiDeps } from '../../api/deps';
import { loadCaller, type Caller } from '../../api/auth/caller';
import { internalId } from '../../api/http/ids';
import { listTasks } from '../../api/services/tasks';
import { buildCaseInput, startCase } from '../../domain/case-start';
import { beijingDay, nextCaseNumber } from '../../domain/case-number';
import { config } from '../../platform/config';
import { connectionOptions, parseDatabaseUrl } from '../../platform/db/url';
import { completeUpdate } from '../../workflows/case-api';
import { bulkLoad, type BulkLoadResult } from '../lib/bulk-load';
import { backgroundBusy, contention, CpuMeter, cpuPer, describeCpu, servicePids, type CpuUsage } from '../lib/cpu';
import { closedLoop, sleep } from '../lib/load';
import { fmt, summarize, type Summary } from '../lib/stats';
import { measuredClosedLoop, throughputPlan } from '../lib/throughput';
import type { TimersShared } from './timers';
import type { BenchContext, BenchRow, BenchSection } from '../lib/types';

const TITLE = 'Flowable peer (same work)';
const PEER_DIR = path.join(__dirname, '..', 'peers', 'flowable');
const JAR = path.join(PEER_DIR, 'target', 'flowable-peer.jar');
const REPORTER = 'wangfang';
const HANDLER = 'dhm1.handler';
const CATEGORY = 'SS01';
const QUERY_CALLERS = 20;

/** what the queries section leaves in ctx.shared.queriesResults */
export interface QueriesShared {
  key: string;
  loaded: Summary & { rps: number };
}

interface PeerRun {
  result: Record<string, unknown>;
  lines: Record<string, unknown>[];
  /** CPU between the peer's {"mark":"begin"} and {"mark":"end"} lines */
  marked?: CpuUsage;
  seconds: number;
}

/** The jar, built when missing or older than its sources: offline from the local repository first, else online. */
function buildPeer(log: (l: string) => void): { mode: string; seconds: number } {
  const sources = [path.join(PEER_DIR, 'pom.xml'), ...walk(path.join(PEER_DIR, 'src'))];
  const built = fs.existsSync(JAR) ? fs.statSync(JAR).mtimeMs : 0;
  if (built && sources.every((f) => fs.statSync(f).mtimeMs <= built)) return { mode: 'up to date', seconds: 0 };
  const t0 = performance.now();
  for (const [mode, args] of [
    ['offline (mvn -q -o)', ['-q', '-o', '-B', 'package']],
    ['online (Maven Central)', ['-q', '-B', 'package']],
  ] as const) {
    log(`building the Flowable peer, ${mode} …`);
    const r = spawnSync('mvn', [...args], { cwd: PEER_DIR, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    if (r.status === 0 && fs.existsSync(JAR)) return { mode, seconds: (performance.now() - t0) / 1000 };
    log(`… ${mode} failed: ${(r.error?.message ?? `${r.stdout}${r.stderr}`).trim().split('\n').slice(-3).join(' | ')}`);
  }
  throw new Error('the Flowable peer did not build (Java 17 and Maven, and Maven Central or a filled local repository, are needed)');
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export const flowableSection: BenchSection = {
  id: 'flowable',
  title: TITLE,
  async run(ctx: BenchContext) {
    const cfg = config();
    const plan = throughputPlan(ctx.quick);
    const scale = ctx.quick
      ? { cases: 2_000, openTasks: 200, querySeconds: 5, timers: 200, window: 10 }
      : { cases: 1_000_000, openTasks: 50_000, querySeconds: 30, timers: 10_000, window: 60 };
    const services = servicePids(cfg.dataDir);
    const idleBusy = await backgroundBusy();
    const build = buildPeer(ctx.log);
    const rows: BenchRow[] = [];
    const notes: string[] = [contention(idleBusy)];
    const details: Record<string, unknown> = { machineBusyBeforePct: idleBusy, build, scale };

    // the peer's own database on the same server
    const server = parseDatabaseUrl(ctx.serverUrl);
    const dbName = `${cfg.database.name}_flowable`;
    const admin = await mariadb.createConnection(connectionOptions(ctx.serverUrl, { database: null }));
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const logFile = path.join(cfg.dataDir, 'logs', `${dbName}-peer.log`);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const jdbc = `jdbc:mariadb://${server.host}:${server.port}/${dbName}`;
    const env = {
      ...process.env,
      FLOWABLE_JDBC_URL: `${jdbc}?sessionVariables=optimizer_switch='exists_to_in=off'`,
      FLOWABLE_DB_USER: server.user,
      FLOWABLE_DB_PASSWORD: server.password,
    };

    /** runs one peer command; its JSON lines on stdout, stderr into the log */
    const peer = (...args: (string | number)[]): Promise<PeerRun> => peerWith(env, ...args);
    /** the same with another environment (the query on the server's default optimizer switch) */
    const peerWith = (peerEnv: NodeJS.ProcessEnv, ...args: (string | number)[]): Promise<PeerRun> =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        fs.appendFileSync(logFile, `\n== ${new Date().toISOString()} ${args.join(' ')}\n`);
        const err = fs.openSync(logFile, 'a');
        const child = spawn('java', ['-Xms512m', '-Xmx3g', '-jar', JAR, ...args.map(String)], { env: peerEnv, stdio: ['ignore', 'pipe', err] });
        fs.closeSync(err);
        const meter = new CpuMeter(() => ({ Flowable: child.pid, mariadb: services.mariadb }));
        const lines: Record<string, unknown>[] = [];
        let begin: ReturnType<CpuMeter['snapshot']> | undefined;
        let marked: CpuUsage | undefined;
        let rest = '';
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
          const parts = (rest + chunk).split('\n');
          rest = parts.pop() ?? '';
          for (const p of parts) {
            if (!p.trim().startsWith('{')) continue;
            const line = JSON.parse(p) as Record<string, unknown>;
            if (line.mark === 'begin') begin = meter.snapshot();
            else if (line.mark === 'end' && begin) marked = CpuMeter.diff(begin, meter.snapshot());
            else lines.push(line);
          }
        });
        child.on('error', reject);
        child.on('close', (code) => {
          const result = lines[lines.length - 1];
          if (code !== 0 || !result) reject(new Error(`flowable peer ${args.join(' ')} exited ${code}; see ${path.relative(ctx.root, logFile)}`));
          else resolve({ result, lines, marked, seconds: (performance.now() - t0) / 1000 });
        });
      });

    try {
      const deploy = await peer('deploy');
      ctx.log(`Flowable schema created and the closed loop deployed in ${fmt(deploy.seconds)} s`);

      // who acts: 王芳 reports in her grid, 李明 (community handler) works the inbox
      const wangfang = await ctx.prisma.user.findUniqueOrThrow({ where: { username: REPORTER }, select: { id: true, displayName: true, grids: { where: { isLeader: true }, select: { gridId: true } } } });
      const handler = await ctx.prisma.user.findUniqueOrThrow({ where: { username: HANDLER }, select: { id: true, displayName: true } });
      const caller = (await loadCaller(ctx.prisma, handler.id)) as Caller;
      const grid = await ctx.prisma.grid.findUniqueOrThrow({ where: { id: wangfang.grids[0].gridId }, select: { id: true, minLat: true, maxLat: true, minLng: true, maxLng: true, orgUnit: { select: { path: true } } } });
      const district = Number(grid.orgUnit.path.split('/').filter(Boolean)[1]);
      const unitGroups = caller.principals.filter((p) => p.startsWith('unit:'));
      const acceptGroup = unitGroups[0] ?? caller.principals[0];
      const deps = { prisma: ctx.prisma } as unknown as ApiDeps;

      // ---- 1. case throughput ----
      // case numbers are workflow ids on a shared Temporal server: start this run's counter at a random base (as intake does)
      const base = 1_000_000 + crypto.randomInt(0, 8_000_000);
      await ctx.prisma.$executeRaw`INSERT INTO case_sequences (prefix, day, last) VALUES ('DC', ${beijingDay(new Date())}, ${base}) ON DUPLICATE KEY UPDATE last = GREATEST(last, ${base})`;
      const gcMeter = new CpuMeter(() => ({ worker: ctx.worker.pid, temporal: services.temporal, mariadb: services.mariadb }));
      const gridCaseOp = async () => {
        const t0 = performance.now();
        const number = await nextCaseNumber(ctx.prisma, district);
        const input = await buildCaseInput(ctx.prisma, {
          caseId: number.id,
          categoryCode: CATEGORY,
          gridId: grid.id,
          description: '井盖缺失（压测）',
          lat: (Number(grid.minLat) + Number(grid.maxLat)) / 2,
          lng: (Number(grid.minLng) + Number(grid.maxLng)) / 2,
          channel: 'GRID_APP',
          reporter: { userId: wangfang.id, name: wangfang.displayName },
        });
        const handle = await startCase(ctx.temporal.client, ctx.taskQueue, input);
        let taskId: string | undefined;
        for (let wait = 10; !taskId; wait = Math.min(wait * 2, 50)) {
          const page = await listTasks(deps, caller, { caseId: number.id, sort: 'due', limit: 20 } as Parameters<typeof listTasks>[2]);
          taskId = (page.items as { id: string; elementId: string; state: string }[]).find((t) => t.elementId === 'Task_Accept' && t.state === 'OPEN')?.id;
          if (!taskId) {
            if (performance.now() - t0 > 30_000) throw new Error(`${number.id}: no open 受理 in ${HANDLER}'s inbox after 30 s`);
            await sleep(wait);
          }
        }
        const r = await handle.executeUpdate(completeUpdate, { args: [{ taskId: internalId(taskId), actor: { userId: handler.id, name: handler.displayName }, outcome: 'reject' }], updateId: crypto.randomUUID() });
        if (r.case.status !== 'REJECTED') throw new Error(`${number.id}: ${r.case.status} after reject`);
        return performance.now() - t0;
      };
      const throughput: { callers: number; gridcase: { perSecond: number; latency: Summary; errors: number; cpu: Record<string, number>; errorSamples: string[] }; flowable: Record<string, unknown> & { perSecond: number; p50: number; p99: number; errors: number; cpuMs: number; completed: number } ; flowableCpu?: Record<string, number> }[] = [];
      for (const callers of plan.levels) {
        const g = await measuredClosedLoop(plan, callers, gcMeter, gridCaseOp);
        const gridcase = { perSecond: g.ok.length / (g.elapsedMs / 1000), latency: summarize(g.ok), errors: g.errors, errorSamples: g.errorSamples, cpu: cpuPer(g.cpu, Math.max(1, g.ok.length)) };
        ctx.log(`GridCase (Temporal client, no HTTP) c=${callers}: ${fmt(gridcase.perSecond)} cases/s, p50 ${fmt(gridcase.latency.p50)} / p99 ${fmt(gridcase.latency.p99)} ms, ${g.errors} errors; ${describeCpu(g.cpu, Math.max(1, g.ok.length), 'case')}`);
        const f = await peer('throughput', callers, plan.durationMs / 1000, plan.warmupMs / 1000, acceptGroup);
        const flowable = f.result as (typeof throughput)[number]['flowable'];
        const flowableCpu = f.marked && cpuPer(f.marked, Math.max(1, flowable.completed));
        ctx.log(`Flowable (in-process) c=${callers}: ${fmt(flowable.perSecond)} cases/s, p50 ${fmt(flowable.p50)} / p99 ${fmt(flowable.p99)} ms, ${flowable.errors} errors${f.marked ? `; ${describeCpu(f.marked, Math.max(1, flowable.completed), 'case')}` : ''}`);
        throughput.push({ callers, gridcase, flowable, flowableCpu });
      }
      details.throughput = throughput;
      for (const t of throughput) {
        rows.push({
          measure: `cases/s, ${t.callers} callers (start → handler's tasks → complete, closed loop ${plan.durationMs / 1000} s, no HTTP): GridCase ${fmt(t.gridcase.perSecond)} ÷ Flowable ${fmt(t.flowable.perSecond)}`,
          value: Number((t.gridcase.perSecond / t.flowable.perSecond).toFixed(3)),
        });
        rows.push({
          measure: `… one case, ${t.callers} callers, p50 / p99: GridCase ${fmt(t.gridcase.latency.p50)} / ${fmt(t.gridcase.latency.p99)} ms, Flowable ${fmt(t.flowable.p50)} / ${fmt(t.flowable.p99)} ms; GridCase ÷ Flowable at p99`,
          value: Number((t.gridcase.latency.p99 / t.flowable.p99).toFixed(2)),
        });
      }

      // ---- 2. the task query over a big history ----
      let load = ctx.shared.queriesLoad as BulkLoadResult | undefined;
      if (!load) {
        ctx.log(`GridCase: bulk load of ${scale.cases} cases and ${scale.openTasks} open tasks …`);
        load = await bulkLoad(ctx.ownerUrl, { cases: scale.cases, openTasks: scale.openTasks, log: ctx.log });
        ctx.shared.queriesLoad = load;
        await ctx.prisma.$executeRawUnsafe('ANALYZE TABLE cases, tasks, task_candidates');
      }
      // the same open tasks with the same candidates, for Flowable
      const openFile = path.join(os.tmpdir(), `${dbName}-open-${process.pid}.tsv`);
      const open = (await ctx.prisma.$queryRawUnsafe(
        `SELECT t.id, t.dueAt, t.createdAt, GROUP_CONCAT(c.principal ORDER BY c.principal SEPARATOR ',') AS principals
           FROM tasks t JOIN task_candidates c ON c.taskId = t.id
          WHERE t.state = 'OPEN' AND t.assigneeId IS NULL GROUP BY t.id, t.dueAt, t.createdAt ORDER BY t.createdAt`,
      )) as { id: string; dueAt: Date | null; createdAt: Date; principals: string }[];
      fs.writeFileSync(openFile, open.map((t) => `${t.dueAt ? t.dueAt.getTime() : ''}\t${t.createdAt.getTime()}\t${t.principals}`).join('\n') + '\n');
      ctx.log(`Flowable: bulk load of ${load.cases} cases (${open.length} open tasks offered to candidates, copied from GridCase's) …`);
      const fl = (await peer('load', load.cases, openFile)).result as { cases: number; openCases: number; rows: number; seconds: number; rowsPerSecond: number; analyzeSeconds: number };
      fs.rmSync(openFile, { force: true });
      ctx.log(`… ${fl.rows} rows in ${fmt(fl.seconds)} s (${fmt(fl.rowsPerSecond, 0)} rows/s)`);

      // GridCase's inbox (claimable: open and offered to me), in-process like Flowable's query
      const claimable = () => listTasks(deps, caller, { claimable: true, sort: 'due', limit: 20 } as Parameters<typeof listTasks>[2]);
      await closedLoop({ concurrency: 4, durationMs: 2_000 }, claimable);
      const gSingle = await closedLoop({ concurrency: 1, durationMs: Math.min(5, scale.querySeconds) * 1000 }, async () => {
        const t0 = performance.now();
        await claimable();
        return performance.now() - t0;
      });
      let items = 0;
      const gq0 = gcMeter.snapshot();
      const gLoaded = await closedLoop({ concurrency: QUERY_CALLERS, durationMs: scale.querySeconds * 1000 }, async () => {
        const t0 = performance.now();
        items = (await claimable()).items.length;
        return performance.now() - t0;
      });
      const gqCpu = CpuMeter.diff(gq0, gcMeter.snapshot());
      const gq = { ...summarize(gLoaded.ok), rps: gLoaded.ok.length / (gLoaded.elapsedMs / 1000), single: summarize(gSingle.ok), items, errors: gLoaded.errors, cpu: cpuPer(gqCpu, Math.max(1, gLoaded.ok.length)) };
      ctx.log(`GridCase listTasks claimable (in-process) ${QUERY_CALLERS} callers: p50 ${fmt(gq.p50)} / p99 ${fmt(gq.p99)} ms, ${fmt(gq.rps, 0)} /s, ${items} items`);
      // the query on both settings of MariaDB's exists_to_in rewrite: which one is faster depends on
      // how many candidate rows the groups have, and a user tunes for their data; the faster is compared
      type PeerQuery = { p50: number; p95: number; p99: number; perSecond: number; items: number; singleP50: number; openTasks: number; offered: number; optimizerSwitch: string; errors: number; completed: number };
      const queryOn = async (label: string, peerEnv: NodeJS.ProcessEnv) => {
        const run = await peerWith(peerEnv, 'query', QUERY_CALLERS, scale.querySeconds, caller.principals.join(','));
        const r = run.result as PeerQuery;
        ctx.log(`Flowable taskCandidateGroupIn (${label}) ${QUERY_CALLERS} callers: p50 ${fmt(r.p50)} / p99 ${fmt(r.p99)} ms, ${fmt(r.perSecond, 0)} /s, ${r.items} items (${r.offered} offered of ${r.openTasks} open; ${r.optimizerSwitch})`);
        return { label, run, r };
      };
      const settings = [await queryOn('exists_to_in=off on its connections', env), await queryOn("the server's default optimizer switch", { ...env, FLOWABLE_JDBC_URL: jdbc })];
      const best = settings.reduce((a, b) => (b.r.errors === 0 && b.r.p99 < a.r.p99 ? b : a));
      const fqRun = best.run;
      const fq = best.r;
      const http = (ctx.shared.queriesResults as QueriesShared[] | undefined)?.find((q) => q.key === 'inbox-community-claimable');
      details.query = {
        gridcase: gq,
        flowable: fq,
        flowableSetting: best.label,
        flowableSettings: settings.map((x) => ({ setting: x.label, ...x.r, cpu: x.run.marked && cpuPer(x.run.marked, Math.max(1, x.r.completed)) })),
        flowableCpu: fqRun.marked && cpuPer(fqRun.marked, Math.max(1, fq.completed)),
        gridcaseHttp: http?.loaded,
        load: { gridcase: load, flowable: fl },
      };
      rows.push({
        measure: `Flowable task-list query, ${QUERY_CALLERS} callers, p50 / p99 on each optimizer setting (the faster one is compared below)`,
        value: settings.map((x) => `${x.label}: ${fmt(x.r.p50)} / ${fmt(x.r.p99)} ms${x.r.errors ? `, ${x.r.errors} errors` : ''}`).join('; '),
      });
      rows.push({ measure: `history: ${load.cases} cases (${open.length} open tasks offered to candidates); Flowable rows written by SQL in the engine's shape`, value: `${fl.rows} rows in ${fmt(fl.seconds)} s` });
      rows.push({
        measure: `task-list query p99, ${QUERY_CALLERS} callers, ${HANDLER}'s offered tasks by due date, in-process: GridCase listTasks claimable ${fmt(gq.p99)} ms (${fmt(gq.rps, 0)}/s) ÷ Flowable taskCandidateGroupIn ${fmt(fq.p99)} ms (${fmt(fq.perSecond, 0)}/s)`,
        value: Number((gq.p99 / fq.p99).toFixed(2)),
      });
      rows.push({ measure: `… queries per second, GridCase ÷ Flowable`, value: Number((gq.rps / fq.perSecond).toFixed(3)) });
      if (http) rows.push({ measure: `… GridCase over HTTP (queries section, GET /api/tasks?claimable=true) p99 ${fmt(http.loaded.p99)} ms ÷ Flowable in-process`, value: Number((http.loaded.p99 / fq.p99).toFixed(2)) });

      // ---- 3. timers due together ----
      const township = caller.principals.find((p) => p.startsWith('unit:') && p !== acceptGroup) ?? `${acceptGroup}:UP`;
      const tr = await peer('timers', scale.timers, scale.window, acceptGroup, township);
      const ft = tr.result as { n: number; escalated: number; notEscalated: number; perSecond: number; startsPerSecond: number; seen: Summary; recorded: Summary; settings: string; waitedMs: number };
      ctx.log(`Flowable timers: ${ft.escalated}/${ft.n} escalated, ${fmt(ft.perSecond)} /s, lateness seen p50 ${fmt(ft.seen.p50 / 1000, 2)} / p99 ${fmt(ft.seen.p99 / 1000, 2)} s`);
      details.timers = { flowable: tr.result, started: tr.lines.find((l) => l.cmd === 'timers-started') };
      const gt = ctx.shared.timers as TimersShared | undefined;
      rows.push({ measure: `${ft.n} boundary timers due in ${scale.window} s: Flowable escalations/s (${ft.escalated} escalated, ${ft.notEscalated} not within the wait)`, value: Number(ft.perSecond.toFixed(1)), unit: '/s' });
      rows.push({ measure: '… Flowable escalation lateness seen in MySQL, p50 / p99', value: `${fmt(ft.seen.p50 / 1000, 2)} / ${fmt(ft.seen.p99 / 1000, 2)}`, unit: 's' });
      if (gt) {
        rows.push({ measure: `… GridCase lateness p99 (timers section, ${gt.cases} cases) ÷ Flowable's`, value: Number.isFinite(gt.lateness.p99) ? Number((gt.lateness.p99 / ft.seen.p99).toFixed(2)) : `GridCase beyond its wait ÷ ${fmt(ft.seen.p99 / 1000, 2)} s` });
        if (gt.perSecond) rows.push({ measure: '… escalations/s, GridCase ÷ Flowable', value: Number((gt.perSecond / ft.perSecond).toFixed(3)) });
      } else {
        rows.push({ measure: '… GridCase ÷ Flowable', value: 'timers section not in this run (see its rows)' });
      }

      // ---- notes ----
      const top = throughput[throughput.length - 1];
      notes.push(
        `Like for like: Flowable runs embedded in the peer's JVM (no HTTP, no sign-in, no separate API or worker process); GridCase is driven through its Temporal client from this process, also without HTTP or sign-in: the case number, buildCaseInput (the grid's org path, the category's process) and startCase as intake does, the inbox's own listTasks service on MySQL polled until 受理 is there (10, 20, 40, then every 50 ms), and the \`complete\` workflow update (which answers once the case has ended REJECTED). The HTTP-driven GridCase figures are the intake section's. Both write to the same MariaDB server; GridCase's work also crosses Temporal (its own persistence) and the bench worker process.`,
        `Throughput at ${top.callers} callers: GridCase ${fmt(top.gridcase.perSecond)} cases/s, CPU per case ${Object.entries(top.gridcase.cpu).filter(([k]) => !k.endsWith('Pct')).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} ms; Flowable ${fmt(top.flowable.perSecond)} cases/s, its JVM ${fmt(top.flowable.cpuMs / Math.max(1, top.flowable.completed))} ms${top.flowableCpu ? `, MariaDB ${fmt(top.flowableCpu.mariadb)} ms` : ''} CPU per case (machine ${top.flowableCpu ? fmt(top.flowableCpu.machineBusyPct, 0) : '—'} % busy). Flowable's case here: start (受理 task, its candidate-group identity link, a non-interrupting 2 h timer job for the deadline, history), the query, complete (gateway, end, history): one transaction each. The peer uses UUID ids (StrongUuidGenerator, as Flowable's Spring Boot starter does), history level audit (the default) and READ COMMITTED isolation (Flowable's advice for MySQL; under REPEATABLE READ concurrent starts deadlock on ACT_RU_VARIABLE's gap locks).`,
        `Task query: ${fq.offered} of ${fq.openTasks} open Flowable tasks offered to ${HANDLER}'s groups (${caller.principals.join(', ')}); GridCase's first page held ${gq.items} items, Flowable's ${fq.items}. One caller: GridCase p50 ${fmt(gq.single.p50)} ms, Flowable p50 ${fmt(fq.singleP50)} ms. The history is GridCase's bulk load (bench/lib/bulk-load.ts, ${load.cases} cases) and for Flowable the same number of cases written by SQL in the shape the engine writes them (the peer's Loader copies two template cases the engine itself ran): ended cases as ACT_HI_PROCINST and 1–4 ACT_HI_TASKINST rows each, the open tasks copied one for one from GridCase's (due time, creation time, every candidate principal as a candidate group) as ACT_RU_EXECUTION, ACT_RU_TASK, ACT_RU_IDENTITYLINK, ACT_RU_VARIABLE and their history rows. The query ran twice, on each setting of MariaDB's exists_to_in rewrite, and the faster is compared (here: ${best.label}; ${settings.map((x) => `${x.label} p50 ${fmt(x.r.p50)} / p99 ${fmt(x.r.p99)} ms`).join(', ')}). With exists_to_in=off (a session variable in the JDBC URL, as the peer's README advises) MariaDB runs the EXISTS over ACT_RU_IDENTITYLINK as a dependent subquery for every open task, sorted by due date with no index to read in that order: its cost follows the number of open tasks. With the server's default the EXISTS becomes a semi-join that first reads the candidate rows of the handler's groups (ACT_IDX_IDENT_LNK_GROUP): cheap when the groups are offered few tasks, as here (${fq.offered} of ${fq.openTasks}), and seconds when they are offered most of them, which is when exists_to_in=off pays off.`,
        `Timers: ${ft.n} cases of bench-timer-escalation (the timers section's process, Flowable-flavoured) started ${fmt(ft.startsPerSecond)} /s by 4 threads, deadlines spread over ${scale.window} s starting after the last start; lateness from each deadline to the escalation's ACT_HI_ACTINST row being visible (polled every 200 ms), and as recorded: p50 ${fmt(ft.recorded.p50 / 1000, 2)} / p99 ${fmt(ft.recorded.p99 / 1000, 2)} s. Async executor: ${ft.settings} (defaults: 10 s between timer acquisitions, 1 job per acquisition, 8 threads). ${gt ? `GridCase (timers section, same run): lateness p99 ${Number.isFinite(gt.lateness.p99) ? `${fmt(gt.lateness.p99 / 1000, 2)} s` : 'beyond the wait'}.` : 'The timers section did not run in this run, so there is no GridCase figure to divide by here.'}`,
      );
      if (throughput.some((t) => t.gridcase.errors || t.flowable.errors)) notes.push(`Errors: ${throughput.flatMap((t) => [...t.gridcase.errorSamples, ...((t.flowable.errorSamples as string[]) ?? [])]).slice(0, 3).map((e) => e.slice(0, 200)).join(' | ')}`);
      return { id: 'flowable', title: TITLE, rows, notes, details };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``).catch(() => undefined);
      await admin.end();
    }
  },
};
