/**
 * Many real case workflows for the timers and open-cases sections: a bench-only process
 * (bench/processes/timer-escalation.bpmn) and category deployed into the bench database, cases
 * started with the product's own buildCaseInput/startCase on the bench worker's task queue, and
 * their termination at the end.
 *
 * Every case the bench starts is recorded in ctx.shared (BENCH_CASES), so the section that runs
 * last can terminate them all: the local Temporal server is shared and must not be left with
 * thousands of open workflows.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { WorkflowNotFoundError } from '@temporalio/client';
import { buildCaseInput, startCase } from '../../domain/case-start';
import { config } from '../../platform/config';
import { deployProcess } from '../../api/services/admin/deploy';
import type { CaseWorkflowInput } from '../../workflows/case-api';
import { closedLoop, sleep } from './load';
import type { BenchContext } from './types';

export const BENCH_PROCESS_KEY = 'bench-timer-escalation';
export const BENCH_PROCESS_FILE = path.join(__dirname, '..', 'processes', 'timer-escalation.bpmn');
export const BENCH_CATEGORY = 'BENCH-TIMERS';
/** Where the escalated task waits (long enough for nothing to fire again during the bench). */
export const TOWNSHIP_LIMIT = 'P1D';
/** The village limit of cases that must not fire during the bench. */
export const QUIET_LIMIT = 'PT4H';
/** startCases keeps about this many seconds of opening rate in flight, within [MIN_WINDOW, MAX_WINDOW] */
const WINDOW_SECONDS = 2;
const MIN_WINDOW = 16;
const MAX_WINDOW = 200;
/** startCases gives up when no case has opened for this long */
const STALL_MS = 120_000;

export interface RssSample {
  /** ms since the epoch */
  t: number;
  /** bench cases whose first task is in MySQL (all open) */
  open: number;
  /** worker RSS, bytes */
  rss: number;
}

export interface BenchCases {
  /** unique per run: case ids are `${tag}-<batch><n>` (workflow ids on a shared Temporal server) */
  tag: string;
  ids: string[];
  /** cases whose first task was in MySQL when the last batch finished */
  open: number;
  /** cases already terminated (the rest are open) */
  terminated: Set<string>;
  rss: RssSample[];
  template?: CaseWorkflowInput;
}

export function benchCases(ctx: BenchContext): BenchCases {
  const existing = ctx.shared.benchCases as BenchCases | undefined;
  if (existing) return existing;
  // the task queue ends in a per-run suffix (bench-<base36 ms>)
  const tag = `B${ctx.taskQueue.replace(/^bench-/, '').replace(/[^A-Za-z0-9]/g, '').slice(-10).toUpperCase()}`;
  const created: BenchCases = { tag, ids: [], open: 0, terminated: new Set(), rss: [] };
  ctx.shared.benchCases = created;
  return created;
}

/**
 * Whether `npm run bench` will run the section `id` (parsed from the command line the way
 * cli/bench.ts does: no --only means every section). The section contract has no
 * "sections still to come" nor an end-of-run hook, so the timers section uses this to decide
 * whether it must clean up itself.
 */
export function sectionWillRun(id: string): boolean {
  const args = process.argv.slice(2);
  const onlyArg = args.find((a) => a.startsWith('--only'));
  if (!onlyArg) return true;
  const list = onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1];
  return (list ?? '').split(',').includes(id);
}

/** Deploys the bench process and its category (idempotent) and builds the input every case copies. */
export async function prepareBenchCases(ctx: BenchContext): Promise<CaseWorkflowInput> {
  const cases = benchCases(ctx);
  if (cases.template) return cases.template;
  const { prisma } = ctx;
  await deployProcess(prisma, { key: BENCH_PROCESS_KEY, xml: fs.readFileSync(BENCH_PROCESS_FILE, 'utf8'), skipIfUnchanged: true });
  const category = await prisma.category.upsert({
    where: { code: BENCH_CATEGORY },
    create: { code: BENCH_CATEGORY, name: '基准：超时升级', nameEn: 'bench: escalation on overdue', level: 'MAJOR', processKey: BENCH_PROCESS_KEY, sortOrder: 999 },
    update: { processKey: BENCH_PROCESS_KEY, active: true },
  });
  for (const [tier, duration] of [
    ['VILLAGE', QUIET_LIMIT],
    ['TOWNSHIP', TOWNSHIP_LIMIT],
  ] as const) {
    await prisma.categoryTimeLimit.upsert({
      where: { categoryId_tier: { categoryId: category.id, tier } },
      create: { categoryId: category.id, tier, duration, calendar: 'CLOCK' },
      update: { duration, calendar: 'CLOCK' },
    });
  }
  // 王芳's grid (东华门第一社区第3网格): its township handlers (dhm.handler) see the escalated tasks
  const wangfang = await prisma.user.findUniqueOrThrow({ where: { username: 'wangfang' }, select: { id: true, grids: { where: { isLeader: true }, select: { gridId: true } } } });
  const grid = await prisma.grid.findUniqueOrThrow({ where: { id: wangfang.grids[0].gridId }, select: { id: true, minLat: true, maxLat: true, minLng: true, maxLng: true } });
  cases.template = await buildCaseInput(prisma, {
    caseId: `${cases.tag}-template`,
    categoryCode: BENCH_CATEGORY,
    gridId: grid.id,
    description: '基准测试案件：响应超时后逐级上报',
    lat: (Number(grid.minLat) + Number(grid.maxLat)) / 2,
    lng: (Number(grid.minLng) + Number(grid.maxLng)) / 2,
    channel: 'GRID_APP',
    reporter: { userId: wangfang.id, name: '王芳' },
  });
  return cases.template;
}

/** The village time limit of the bench category, read by prepareTask when a case's task opens. */
export async function setVillageLimit(ctx: BenchContext, duration: string): Promise<void> {
  const category = await ctx.prisma.category.findUniqueOrThrow({ where: { code: BENCH_CATEGORY }, select: { id: true } });
  await ctx.prisma.categoryTimeLimit.update({ where: { categoryId_tier: { categoryId: category.id, tier: 'VILLAGE' } }, data: { duration } });
}

function caseInput(template: CaseWorkflowInput, caseId: string): CaseWorkflowInput {
  return { ...template, caseId, facts: { ...template.facts, caseId }, row: { ...template.row, caseId, reportedAt: new Date().toISOString() } };
}

export interface StartReport {
  prefix: string;
  ids: string[];
  /** from the first start to the last start call's answer */
  clientMs: number;
  /** from the first start until every started case had its first task in MySQL */
  openMs: number;
  /** cases opened per second once the pipeline was full (from the first open case to the last) */
  steadyPerSecond: number;
  errors: number;
  errorSamples: string[];
  /** the start loop ended early (shouldStop) */
  stopped: boolean;
}

/**
 * Starts `count` cases `${tag}-${batch}00001…` with `concurrency` callers, never more than a window
 * of started cases without their first task in MySQL (so the worker's backlog, and the delay between
 * a start and its task, stay short); resolves once every started case has its task row.
 * Samples the worker's RSS once a second into BenchCases.rss.
 */
export async function startCases(
  ctx: BenchContext,
  opts: { batch: string; count: number; concurrency?: number; window?: number; shouldStop?: (started: number, open: number) => boolean; onTick?: (started: number, open: number) => Promise<void> | void },
): Promise<StartReport> {
  const cases = benchCases(ctx);
  const template = await prepareBenchCases(ctx);
  const prefix = `${cases.tag}-${opts.batch}`;
  // at most this many started cases without their task (default: about WINDOW_SECONDS of the
  // current opening rate), so a case's task opens soon after its start and the worker's backlog stays short
  const fixedWindow = opts.window;
  let window = fixedWindow ?? MIN_WINDOW;
  const history: { t: number; open: number }[] = [];
  const openBefore = cases.open;
  const ids: string[] = [];
  let open = 0;
  let stopped = false;
  let polling = true;
  let lastRss = 0;
  let progressAt = Date.now();
  let firstOpen: { t: number; n: number } | null = null;
  const countOpen = async () => {
    // bench cases open at VILLAGE; their escalated tasks (TOWNSHIP) must not count twice
    const now = await ctx.prisma.task.count({ where: { caseId: { startsWith: prefix }, tier: 'VILLAGE' } });
    if (now !== open) progressAt = Date.now();
    if (now > 0 && firstOpen === null) firstOpen = { t: performance.now(), n: now };
    open = now;
    const t = performance.now();
    history.push({ t, open });
    while (history.length > 1 && history[0].t < t - 5_000) history.shift();
    if (fixedWindow === undefined && history.length > 1 && t - history[0].t >= 2_000) {
      const rate = ((open - history[0].open) * 1000) / (t - history[0].t);
      window = Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, Math.round(rate * WINDOW_SECONDS)));
    }
    if (Date.now() - lastRss >= 1000) {
      lastRss = Date.now();
      cases.rss.push({ t: lastRss, open: openBefore + open, rss: ctx.worker.rss() });
    }
  };
  const poller = (async () => {
    while (polling) {
      await countOpen().catch(() => undefined);
      await opts.onTick?.(ids.length, open);
      await sleep(200);
    }
  })();
  const t0 = performance.now();
  let issued = 0;
  const loop = await closedLoop({ concurrency: opts.concurrency ?? 16, count: opts.count }, async () => {
    while (issued - open >= window) {
      if (Date.now() - progressAt > STALL_MS) throw new Error(`no case opened for ${STALL_MS / 1000} s (${issued} started, ${open} open): is the worker running?`);
      await sleep(10);
    }
    if (stopped || opts.shouldStop?.(issued, open)) {
      stopped = true;
      return;
    }
    const n = ++issued;
    const id = `${prefix}${String(n).padStart(5, '0')}`;
    await startCase(ctx.temporal.client, ctx.taskQueue, caseInput(template, id));
    ids.push(id);
    cases.ids.push(id);
  });
  const clientMs = performance.now() - t0;
  // every started case has its first task in MySQL (bounded: a case that cannot open is an error)
  const waitUntil = Date.now() + STALL_MS;
  while (open < ids.length && Date.now() < waitUntil) await sleep(100);
  const openMs = performance.now() - t0;
  polling = false;
  await poller;
  await countOpen();
  cases.open = openBefore + open;
  const fo = firstOpen as { t: number; n: number } | null;
  const steadyPerSecond = fo && open > fo.n ? (open - fo.n) / ((t0 + openMs - fo.t) / 1000) : ids.length / (openMs / 1000);
  return { prefix, ids, clientMs, openMs, steadyPerSecond, errors: loop.errors + Math.max(0, ids.length - open), errorSamples: loop.errorSamples, stopped };
}

/** Terminates the given bench cases (default: every one still open), `concurrency` at a time; returns how many and how long. */
export async function terminateBenchCases(ctx: BenchContext, opts: { ids?: string[]; concurrency?: number; reason?: string } = {}): Promise<{ count: number; ms: number; errors: number }> {
  const cases = benchCases(ctx);
  const ids = (opts.ids ?? cases.ids).filter((id) => !cases.terminated.has(id));
  if (!ids.length) return { count: 0, ms: 0, errors: 0 };
  ids.forEach((id) => cases.terminated.add(id));
  const t0 = performance.now();
  const r = await closedLoop({ concurrency: opts.concurrency ?? 128, count: ids.length }, async (i) => {
    try {
      await ctx.temporal.client.workflow.getHandle(ids[i]).terminate(opts.reason ?? 'bench finished');
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e; // already closed
    }
  });
  const ms = performance.now() - t0;
  ctx.log(`terminated ${ids.length - r.errors} bench case workflows in ${(ms / 1000).toFixed(1)} s${r.errors ? ` (${r.errors} failed: ${r.errorSamples[0]})` : ''}`);
  return { count: ids.length - r.errors, ms, errors: r.errors };
}

/** The bench worker's log (cli/bench.ts writes it to <dataDir>/logs/<database>_bench-worker.log). */
export function workerLogFile(): string {
  const cfg = config();
  return path.join(cfg.dataDir, 'logs', `${cfg.database.name}_bench-worker.log`);
}

export function workerLogSize(): number {
  try {
    return fs.statSync(workerLogFile()).size;
  } catch {
    return 0;
  }
}

/** Activity attempts that failed (and were retried) in the worker's log since `offset`, and how many were write conflicts or deadlocks. */
export function activityFailuresSince(offset: number): { failed: number; conflicts: number } {
  let text: string;
  try {
    const fd = fs.openSync(workerLogFile(), 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    text = buf.toString('utf8');
  } catch {
    return { failed: 0, conflicts: 0 };
  }
  return { failed: (text.match(/Activity failed/g) ?? []).length, conflicts: (text.match(/write conflict or a deadlock|Deadlock found/g) ?? []).length };
}

export interface TimelineSample {
  caseId: string;
  /** TIMER_FIRED (the first deadline timer) − due, ms: how late Temporal delivered the timer */
  firedLateMs: number;
  /** the next WORKFLOW_TASK_STARTED − TIMER_FIRED, ms: how long the timer's workflow task waited for the worker */
  pickupMs: number;
  /** timers of at most 1 ms started after the deadline (a timer re-armed while its firing waited for the case's lock) */
  oneMsTimers: number;
  /** workflow tasks after the deadline that timed out before a worker took them (sticky queue: 10 s) */
  taskTimeouts: number;
  events: number;
}

const tsMs = (ts: { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined): number =>
  ts ? (typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0)) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : NaN;

/** Reads a case's Temporal history: when its deadline timer fired and when the worker picked the workflow task up. */
export async function timeline(ctx: BenchContext, caseId: string, due: number): Promise<TimelineSample | null> {
  const history = await ctx.temporal.client.workflow.getHandle(caseId).fetchHistory();
  const events = history.events ?? [];
  const fired = events.findIndex((e) => e.timerFiredEventAttributes && tsMs(e.eventTime) >= due - 5_000);
  if (fired < 0) return null;
  const firedAt = tsMs(events[fired].eventTime);
  const started = events.slice(fired).find((e) => e.workflowTaskStartedEventAttributes);
  const oneMsTimers = events.slice(fired).filter((e) => {
    const d = e.timerStartedEventAttributes?.startToFireTimeout;
    return d && tsMs(d) <= 1;
  }).length;
  const taskTimeouts = events.slice(fired).filter((e) => e.workflowTaskTimedOutEventAttributes).length;
  return { caseId, firedLateMs: firedAt - due, pickupMs: started ? tsMs(started.eventTime) - firedAt : NaN, oneMsTimers, taskTimeouts, events: events.length };
}

/** The bench worker's sticky cache size: its own start line (cli/worker.ts), else the configured or SDK default value. */
export function workerCacheSize(): { size: number; source: string } {
  const cfg = config();
  try {
    const all = [...fs.readFileSync(workerLogFile(), 'utf8').matchAll(/sticky cache: up to (\d+) workflows/g)];
    if (all.length) return { size: Number(all[all.length - 1][1]), source: "the worker's start line" };
  } catch {
    /* no log yet */
  }
  if (cfg.worker.maxCachedWorkflows !== undefined) return { size: cfg.worker.maxCachedWorkflows, source: 'GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS' };
  // @temporalio/worker 1.24 with reuseV8Context: max(floor((heap MiB - 200) * 600 / 1024), 10); the worker runs the same node with the same flags
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return { size: Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10), source: `the SDK default for a ${Math.round(heapMiB)} MiB heap` };
}
