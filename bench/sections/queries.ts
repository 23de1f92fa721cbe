/**
 * Inbox and case-list queries on a big history: bench/lib/bulk-load.ts writes 1 M cases over two
 * years and 50 k open tasks (quick: 20 k and 2 k) into the bench database, ANALYZE TABLE refreshes
 * the statistics, then the API process answers GET /api/tasks (community and street handlers:
 * default by due time, claimable, mine, overdue; a district handler's default) and GET /api/cases
 * (handlers and district supervisor/auditor: status, category and time range, text search, cursor
 * paging) at 20 concurrent callers for 30 s each (quick: 5 s).
 *
 * Where the time goes, per query: the same service call run in this process on a Prisma client
 * that records its SQL (statements per request, service time), each statement alone on the
 * mariadb driver and MariaDB's ANALYZE of the costliest (plan, rows read, sorts), one caller over
 * HTTP (no queueing), and during the 20-caller run the CPU used per request by the API process,
 * MariaDB and this load generator (from /proc), next to what the whole machine used.
 *
 * Keep it the last section but the flowable one (which reuses the history): the history stays in
 * the bench database afterwards.
 */
import mariadb from 'mariadb';
import type { ApiDeps } from '../../api/deps';
import { loadCaller } from '../../api/auth/caller';
import { listCases, type CaseListQuery } from '../../api/services/cases';
import { listTasks, type TaskListQuery } from '../../api/services/tasks';
import { connectionOptions } from '../../platform/db/url';
import { bulkLoad, type BulkLoadResult } from '../lib/bulk-load';
import { ApiClient } from '../lib/http';
import { closedLoop } from '../lib/load';
import { analyze, cpuMeter, localServerPid, recordingPrisma, runnable, type CpuSample } from '../lib/profile';
import { fmt, summarize, type Summary } from '../lib/stats';
import type { BenchContext, BenchRow, BenchSection } from '../lib/types';

const TITLE = 'Inbox and case-list queries';
const CALLERS = 20;
const TARGET_MS = 50;
/** the case lists' target, p99 at the same 20 callers */
const CASES_TARGET_MS = 100;

type Params = Record<string, string | number | boolean | string[]>;

interface QueryDef {
  key: string;
  kind: 'inbox' | 'cases';
  user: string;
  who: string;
  what: string;
  query: Params;
  /** pages read one after another by following nextCursor (each request measured) */
  pages: number;
}

interface Measured {
  def: QueryDef;
  loaded: Summary & { rps: number; errors: number; errorSamples: string[]; items: number };
  single: Summary;
  cpu: CpuSample;
  /** per request, ms of CPU */
  cpuPerRequest: Record<string, number>;
  profile: {
    /** listTasks/listCases in this process (Prisma and the SQL), p50 */
    serviceMs: number;
    statements: number;
    /** all its statements alone on the driver, one after another, p50 */
    sqlMs: number;
    /** the costliest statement alone, p50, and MariaDB's ANALYZE of it */
    worstMs: number;
    analyzeMs: number;
    plan: string;
    sql: string;
    /** reading the caller (what authentication does on every request), p50 */
    callerMs: number;
  };
}

function pathOf(def: QueryDef, cursor?: string): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(def.query)) {
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else sp.append(k, String(v));
  }
  if (cursor) sp.append('cursor', cursor);
  const qs = sp.toString();
  return `${def.kind === 'inbox' ? '/api/tasks' : '/api/cases'}${qs ? `?${qs}` : ''}`;
}

/** One caller's turn: the pages of the query, one after another; the latency of each request. */
async function chain(api: ApiClient, def: QueryDef): Promise<{ ms: number[]; items: number }> {
  const ms: number[] = [];
  let cursor: string | undefined;
  let items = 0;
  for (let p = 0; p < def.pages; p++) {
    const r = await api.request('GET', pathOf(def, cursor), { as: def.user });
    if (r.status !== 200) throw new Error(`GET ${pathOf(def, cursor)} as ${def.user}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    ms.push(r.ms);
    if (p === 0) items = (r.body.items as unknown[]).length;
    cursor = r.body.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return { ms, items };
}

function definitions(ctx: { categories: { major: string; minor: string } }, now: number): QueryDef[] {
  const days = (n: number) => new Date(now - n * 86_400_000).toISOString();
  const inbox = (key: string, user: string, who: string, what: string, query: Params = {}): QueryDef => ({ key, kind: 'inbox', user, who, what, query, pages: 1 });
  const cases = (key: string, user: string, who: string, what: string, query: Params, pages = 1): QueryDef => ({ key, kind: 'cases', user, who, what, query, pages });
  const community = '李明 (dhm1.handler, community handler)';
  const street = '许文博 (dhm.handler, street handler)';
  return [
    inbox('inbox-community-default', 'dhm1.handler', community, 'default (active, by due time)'),
    inbox('inbox-community-claimable', 'dhm1.handler', community, 'claimable=true', { claimable: true }),
    inbox('inbox-community-mine', 'dhm1.handler', community, 'mine=true', { mine: true }),
    inbox('inbox-community-overdue', 'dhm1.handler', community, 'overdue=true', { overdue: true }),
    inbox('inbox-street-default', 'dhm.handler', street, 'default (active, by due time)'),
    inbox('inbox-street-claimable', 'dhm.handler', street, 'claimable=true', { claimable: true }),
    inbox('inbox-street-overdue', 'dhm.handler', street, 'overdue=true, sort=due', { overdue: true, sort: 'due' }),
    inbox('inbox-district-default', 'dc.handler', '高志明 (dc.handler, district handler)', 'default (active, by due time)'),
    cases('cases-street-open', 'dhm.handler', street, 'status=IN_PROGRESS (newest first)', { status: ['IN_PROGRESS'] }),
    cases('cases-street-category', 'dhm.handler', street, `category=${ctx.categories.major}, last 90 days`, { category: ctx.categories.major, createdAfter: days(90) }),
    cases('cases-community-text', 'dhm1.handler', community, 'text search q=井盖', { q: '井盖' }),
    cases('cases-district-overdue', 'dc.supervisor', '罗振华 (dc.supervisor, district supervisor)', 'overdue=true, sort=due', { overdue: true, sort: 'due' }),
    cases('cases-district-closed-month', 'dc.auditor', '梁淑芬 (dc.auditor, district auditor)', `status=CLOSED, category=${ctx.categories.minor}, a month a year ago`, {
      status: ['CLOSED'],
      category: ctx.categories.minor,
      createdAfter: days(395),
      createdBefore: days(365),
    }),
    cases('cases-district-paging', 'dc.auditor', '梁淑芬 (dc.auditor, district auditor)', '5 pages through all cases with the cursor', {}, 5),
    cases('cases-district-text-30d', 'dc.auditor', '梁淑芬 (dc.auditor, district auditor)', 'text search q=井盖, last 30 days', { q: '井盖', createdAfter: days(30) }),
  ];
}

/** The service-layer query object the API would build from these parameters. */
function serviceQuery(def: QueryDef): TaskListQuery & CaseListQuery {
  return { sort: def.kind === 'inbox' ? 'due' : 'created', limit: 20, ...def.query } as TaskListQuery & CaseListQuery;
}

function round(n: number, digits = 1): number {
  return Number.isFinite(n) ? Number(n.toFixed(digits)) : n;
}

export const queriesSection: BenchSection = {
  id: 'queries',
  title: TITLE,
  async run(ctx: BenchContext) {
    const scale = ctx.quick ? { cases: 20_000, openTasks: 2_000, seconds: 5, single: 10, service: 5 } : { cases: 1_000_000, openTasks: 50_000, seconds: 30, single: 30, service: 15 };

    // 1. the history (once per bench run)
    let load = ctx.shared.queriesLoad as BulkLoadResult | undefined;
    if (!load) {
      ctx.log(`bulk load of ${scale.cases} cases and ${scale.openTasks} open tasks …`);
      // the harness loads as the schema owner (an operator's bulk load, foreign-key checks off)
      load = await bulkLoad(ctx.ownerUrl, { cases: scale.cases, openTasks: scale.openTasks, log: ctx.log });
      ctx.shared.queriesLoad = load;
      ctx.log(`loaded ${load.rows} rows in ${(load.ms / 1000).toFixed(1)} s (${fmt(load.rowsPerSecond, 0)} rows/s)`);
    }
    const conn = await mariadb.createConnection(connectionOptions(ctx.ownerUrl));
    const rec = recordingPrisma(ctx.databaseUrl);
    try {
      const a0 = performance.now();
      await conn.query('ANALYZE TABLE cases, tasks, task_candidates');
      const analyzeS = (performance.now() - a0) / 1000;
      const serverPid = await localServerPid(conn);

      // what the demo callers can see
      const major = (await ctx.prisma.category.findFirst({ where: { code: 'SR' }, select: { code: true, children: { select: { code: true }, orderBy: { sortOrder: 'asc' }, take: 1 } } })) ?? null;
      const categories = { major: major?.code ?? 'SR', minor: major?.children[0]?.code ?? 'SR01' };
      const scopeCounts = (await conn.query(
        `SELECT u.path, COUNT(*) AS n FROM tasks t JOIN cases c ON c.id = t.caseId
           JOIN org_units u ON c.orgPath LIKE CONCAT(u.path, '%')
          WHERE t.state IN ('OPEN', 'CLAIMED') AND u.id IN (SELECT m.orgUnitId FROM memberships m JOIN users x ON x.id = m.userId WHERE x.username IN ('dhm1.handler', 'dhm.handler', 'dc.handler'))
          GROUP BY u.path ORDER BY u.path`,
      )) as Array<{ path: string; n: bigint }>;

      const api = new ApiClient(ctx.apiUrl);
      const defs = definitions({ categories }, Date.now());
      for (const u of new Set(defs.map((d) => d.user))) await api.token(u);

      // HTTP and authentication alone: GET /api/auth/me reads the caller like every request does
      const meOnce = async () => (await api.expect(200, 'GET', '/api/auth/me', { as: 'dhm.handler' })).ms;
      const meSingle = await closedLoop({ concurrency: 1, count: scale.single }, meOnce);
      const meLoaded = await closedLoop({ concurrency: CALLERS, durationMs: Math.min(10_000, scale.seconds * 1000) }, meOnce);
      const meUser = await ctx.prisma.user.findUniqueOrThrow({ where: { username: 'dhm.handler' }, select: { id: true } });
      const callerStatements = (await rec.capture(() => loadCaller(rec.prisma, meUser.id))).queries.length;
      const me = { single: summarize(meSingle.ok), loaded: summarize(meLoaded.ok), rps: meLoaded.ok.length / (meLoaded.elapsedMs / 1000), callerStatements };

      const results: Measured[] = [];
      for (const def of defs) {
        ctx.log(`${def.kind} · ${def.who} · ${def.what}`);
        await chain(api, def);
        await chain(api, def);
        // one caller, no queueing
        const single = await closedLoop({ concurrency: 1, count: scale.single }, () => chain(api, def));
        // 20 callers as fast as they can
        const meter = cpuMeter({ API: ctx.api.pid, ...(serverPid ? { MariaDB: serverPid } : {}) });
        const loaded = await closedLoop({ concurrency: CALLERS, durationMs: scale.seconds * 1000 }, () => chain(api, def));
        const cpu = meter();
        const samples = loaded.ok.flatMap((x) => x.ms);
        const requests = samples.length;
        const cpuPerRequest = Object.fromEntries(Object.entries(cpu.processes).map(([k, s]) => [k, requests ? (s * 1000) / requests : NaN]));
        cpuPerRequest['whole machine'] = requests ? (cpu.machine * 1000) / requests : NaN;

        // the same call in this process, its SQL, and MariaDB's account of the costliest statement
        const user = await ctx.prisma.user.findUniqueOrThrow({ where: { username: def.user }, select: { id: true } });
        const callerTimes: number[] = [];
        let caller = null as Awaited<ReturnType<typeof loadCaller>>;
        for (let i = 0; i < scale.service; i++) {
          const c0 = performance.now();
          caller = await loadCaller(rec.prisma, user.id);
          callerTimes.push(performance.now() - c0);
        }
        const deps = { prisma: rec.prisma } as unknown as ApiDeps;
        const call = (): Promise<unknown> => (def.kind === 'inbox' ? listTasks(deps, caller!, serviceQuery(def)) : listCases(deps, caller!, serviceQuery(def)));
        await call();
        const serviceTimes: number[] = [];
        for (let i = 0; i < scale.service; i++) {
          const t0 = performance.now();
          await call();
          serviceTimes.push(performance.now() - t0);
        }
        const { queries } = await rec.capture(call);
        // every statement alone on the driver, one after another
        const perStatement = queries.map(() => [] as number[]);
        const sqlTotals: number[] = [];
        for (let i = 0; i < scale.service; i++) {
          let total = 0;
          for (const [k, q] of queries.entries()) {
            const { sql, params } = runnable(q);
            const t0 = performance.now();
            await conn.query(sql, params);
            const d = performance.now() - t0;
            perStatement[k].push(d);
            total += d;
          }
          sqlTotals.push(total);
        }
        const medians = perStatement.map((xs) => summarize(xs).p50);
        const worst = medians.indexOf(Math.max(...medians));
        const plan = await analyze(conn, queries[worst]);
        results.push({
          def,
          loaded: { ...summarize(samples), rps: requests / (loaded.elapsedMs / 1000), errors: loaded.errors, errorSamples: loaded.errorSamples, items: loaded.ok[0]?.items ?? 0 },
          single: summarize(single.ok.flatMap((x) => x.ms)),
          cpu,
          cpuPerRequest,
          profile: {
            serviceMs: summarize(serviceTimes).p50,
            statements: queries.length,
            sqlMs: summarize(sqlTotals).p50,
            worstMs: medians[worst],
            analyzeMs: plan.ms,
            plan: plan.plan,
            sql: queries[worst].sql,
            callerMs: summarize(callerTimes).p50,
          },
        });
      }

      // for the flowable section (its query next to GridCase's over HTTP)
      ctx.shared.queriesResults = results.map((m) => ({ key: m.def.key, loaded: m.loaded }));

      // ---- rows ----
      const rows: BenchRow[] = [
        { measure: `bulk load: ${load.cases} cases, ${load.tasks} tasks (${load.openTasks} open), ${load.candidates} inbox rows`, value: round(load.ms / 1000), unit: 's' },
        { measure: 'bulk load rate', value: Math.round(load.rowsPerSecond), unit: 'rows/s' },
      ];
      for (const m of results) {
        const l = m.loaded;
        const value = `p50 ${fmt(l.p50)} / p95 ${fmt(l.p95)} / p99 ${fmt(l.p99)} ms, ${fmt(l.rps, 0)} req/s${l.errors ? `, ${l.errors} errors` : ''}`;
        const row: BenchRow = { measure: `${m.def.kind === 'inbox' ? 'GET /api/tasks' : 'GET /api/cases'} · ${m.def.who} · ${m.def.what}`, value };
        const target = m.def.kind === 'inbox' ? TARGET_MS : CASES_TARGET_MS;
        Object.assign(row, { target: `≤ ${target} ms p99`, met: l.errors === 0 && l.p99 <= target });
        rows.push(row);
      }

      // ---- notes: where the time goes ----
      const inbox = results.filter((m) => m.def.kind === 'inbox');
      const caseLists = results.filter((m) => m.def.kind === 'cases');
      const avg = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => a + b, 0) / Math.max(1, xs.filter(Number.isFinite).length);
      const perReq = (ms: Measured[], k: string) => avg(ms.map((m) => m.cpuPerRequest[k] ?? NaN));
      const describe = (m: Measured) =>
        `${m.def.who.split(' ')[0]}, ${m.def.what}: ${m.loaded.items} items on the first page; SQL alone ${fmt(m.profile.sqlMs)} ms for ${m.profile.statements} statements, the costliest ${fmt(m.profile.worstMs)} ms (${m.profile.plan}); ` +
        `in-process service call ${fmt(m.profile.serviceMs)} ms; 1 caller over HTTP p50 ${fmt(m.single.p50)} ms; ${CALLERS} callers p50 ${fmt(m.loaded.p50)} / p99 ${fmt(m.loaded.p99)} ms at ${fmt(m.loaded.rps, 0)} req/s; ` +
        `CPU per request: API ${fmt(m.cpuPerRequest.API)} ms, MariaDB ${fmt(m.cpuPerRequest.MariaDB ?? NaN)} ms, load generator ${fmt(m.cpuPerRequest['load generator'])} ms, whole machine ${fmt(m.cpuPerRequest['whole machine'])} ms.`;
      const cores = results[0]?.cpu.cores ?? 2;
      const machineBusy = avg(results.map((m) => m.cpu.machine / m.cpu.wall)) / cores;
      const ownBusy = avg(results.map((m) => Object.values(m.cpu.processes).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) / m.cpu.wall)) / cores;
      const missed = inbox.filter((m) => !(m.loaded.errors === 0 && m.loaded.p99 <= TARGET_MS));
      const casesMissed = caseLists.filter((m) => !(m.loaded.errors === 0 && m.loaded.p99 <= CASES_TARGET_MS));
      const apiCpu = perReq(inbox, 'API');
      const dbCpu = perReq(inbox, 'MariaDB');
      const genCpu = perReq(inbox, 'load generator');
      const needRps = (CALLERS * 1000) / TARGET_MS;
      const notes: string[] = [
        `Data: ${load.cases} cases from ${load.from.slice(0, 10)} to ${load.to.slice(0, 10)} over the seeded grids, categories and reporters (${load.openCases} open, the rest ended), ${load.tasks} tasks of which ${load.openTasks} open or claimed (${load.overdueOpenTasks} overdue), ${load.candidates} inbox rows, ${load.sequences} case-number counters; written in ${(load.ms / 1000).toFixed(1)} s (${fmt(load.rowsPerSecond, 0)} rows/s: multi-row INSERTs on two connections, unique and foreign-key checks off), then ANALYZE TABLE in ${analyzeS.toFixed(1)} s. Open tasks of cases in the demo callers' subtrees: ${scopeCounts.map((x) => `${x.path} ${Number(x.n)}`).join(', ')}.`,
        `How it was measured: each query ran ${scale.seconds} s with ${CALLERS} callers in this process, each sending its next request as soon as the last one answered (a closed loop, no think time); before that ${scale.single} requests from a single caller. Then the same service call ran in this process on a Prisma client that records its SQL, each statement ran alone on the mariadb driver, and MariaDB's ANALYZE FORMAT=JSON of the costliest one gives its plan. CPU per request comes from /proc (API process, MariaDB server, this process) over the ${CALLERS}-caller run.`,
        `HTTP and authentication alone (GET /api/auth/me: the JWT check, and the caller's roles, units and grids, read from MySQL once per token every GRIDCASE_CALLER_CACHE_MS, 5 s): 1 caller p50 ${fmt(me.single.p50)} ms; ${CALLERS} callers p50 ${fmt(me.loaded.p50)} / p99 ${fmt(me.loaded.p99)} ms at ${fmt(me.rps, 0)} req/s. Reading the caller in-process: ${fmt(avg(results.map((m) => m.profile.callerMs)))} ms for ${callerStatements} statements.`,
        ...inbox.map((m) => `Inbox — ${describe(m)}`),
        ...caseLists.map((m) => `Case list — ${describe(m)}`),
        `The machine: ${cores} cores, ${fmt(100 * machineBusy, 0)}% busy during the measured runs, ${fmt(100 * ownBusy, 0)}% of it the API process, MariaDB and this load generator (the rest: the bench worker, Temporal and whatever else shares the machine). With ${CALLERS} callers and no think time the cores stay saturated, so the latency is queueing: p50 ≈ ${CALLERS} ÷ throughput (Little's law). An inbox request costs about ${fmt(apiCpu)} ms of API CPU (one Node thread), ${fmt(dbCpu)} ms of MariaDB CPU (the whole server's, so it includes other databases' work during the run) and ${fmt(genCpu)} ms of load-generator CPU.`,
      ];
      if (missed.length) {
        const bottleneck = Math.max(apiCpu, (apiCpu + dbCpu + genCpu) / cores);
        notes.push(
          `Target missed by ${missed.map((m) => m.def.key).join(', ')}: p99 ≤ ${TARGET_MS} ms with ${CALLERS} callers in a closed loop needs about ${fmt(needRps, 0)} req/s, i.e. under ${fmt(1000 / needRps)} ms of CPU per request in the API's single thread and under ${fmt((1000 * cores) / needRps)} ms in all processes together; measured ${fmt(apiCpu)} ms + ${fmt(dbCpu)} ms + ${fmt(genCpu)} ms, which caps these cores near ${fmt(1000 / bottleneck, 0)} req/s (p50 ≈ ${fmt(CALLERS * bottleneck, 0)} ms at ${CALLERS} callers even with an idle machine). ` +
            `One caller sees p50 ${fmt(avg(inbox.map((m) => m.single.p50)))} ms, of which the SQL is ${fmt(avg(inbox.map((m) => m.profile.sqlMs)))} ms: the rest is Prisma building and reading ${fmt(avg(inbox.map((m) => m.profile.statements)), 0)} statements for the page (the walk's edges and ids, the page with its relations in one statement, the candidates' names, the urges and the time limits; the caller is read once per token every 5 s), Express, JSON and the HTTP client. ` +
            `What would fix it: the API's CPU per request (fewer statements still: the candidates' names, urges and limits with the page), more API processes or cores (the API is stateless; today one Node thread serves everything), and the load generator on another machine.`,
        );
      } else {
        notes.push(`Target met: every inbox query has p99 ≤ ${TARGET_MS} ms at ${CALLERS} callers.`);
      }
      notes.push(
        casesMissed.length
          ? `Case-list target (p99 ≤ ${CASES_TARGET_MS} ms at ${CALLERS} callers) missed by ${casesMissed.map((m) => `${m.def.key} (${fmt(m.loaded.p99)} ms)`).join(', ')}; the plans above say what each statement read.`
          : `Case-list target met: every case-list query has p99 ≤ ${CASES_TARGET_MS} ms at ${CALLERS} callers.`,
      );
      return {
        id: 'queries',
        title: TITLE,
        rows,
        notes,
        details: {
          load,
          analyzeSeconds: analyzeS,
          scopeCounts: scopeCounts.map((s) => ({ path: s.path, openTasks: Number(s.n) })),
          authMe: me,
          queries: results.map((m) => ({
            key: m.def.key,
            user: m.def.user,
            path: pathOf(m.def),
            pages: m.def.pages,
            loaded: m.loaded,
            single: m.single,
            cpuSeconds: m.cpu,
            cpuMsPerRequest: m.cpuPerRequest,
            profile: m.profile,
          })),
        },
      };
    } finally {
      await rec.disconnect();
      await conn.end();
    }
  },
};
