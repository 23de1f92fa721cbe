/**
 * Timers: how late escalations come at their deadlines, at two loads, and against bare Temporal.
 *
 *   1. steady: 300 cases whose deadlines fall evenly over 60 s (5 deadlines/s): the lateness target
 *      (p99 ≤ 2 s) is measured here;
 *   2. burst: 10 k cases whose deadlines fall in the same minute: lateness and escalations per second;
 *   3. bare timers: 10 k bare Temporal workflows (bench/baseline-timer-workflow.ts, run by the
 *      baseline worker on its own task queue) that sleep until instants spread over one minute the
 *      same way and then write one row; their rows per second divide the burst's escalations per
 *      second (target ≥ 0.67, every case escalated). Run after the burst, not overlapping it.
 *
 * The cases run the bench process bench/processes/timer-escalation.bpmn (the first leg of 应急处置,
 * diagrams/emergency.bpmn): Task_Respond with `grid:deadline="category"`, a boundary timer
 * relative to that deadline, and the escalateTier service task that moves the case one tier up,
 * where Task_Respond opens again. At the deadline the product path is exactly the emergency one:
 * the task's overdue timer (overdue + automatic 督办 rows) and the boundary timer fire, the case
 * escalates (boundary + escalate rows, village task cancelled, case at TOWNSHIP), then the township
 * task is dispatched (dispatchTask row, task row in the township's inbox).
 *
 * Deadlines in one window although starting the cases takes longer: a task's deadline is its
 * creation time plus the category's limit for its tier, read from category_time_limits by the
 * prepareTask activity when the task opens. While a phase's cases start, the bench rewrites its own
 * category's VILLAGE limit every 100 ms to "target − now", the target moving evenly across the
 * window with the share of cases already open; so every deadline is computed by the product from
 * its own task's creation time, and they spread evenly over the window. Lateness is measured
 * against each task's own due_at as written in `tasks`, so the trick only places the deadlines.
 * Every start of a phase comes before its first deadline: the escalations are measured on their own.
 *
 * Lateness is measured from outside (the bench polls case_events every POLL_MS and timestamps
 * when each case's `escalate` row, then its township `dispatchTask` row, become visible: what
 * people see) and from the workflow's own record (case_events.createdAt is the workflow's time of
 * the change); a sample of Temporal histories tells where the time went. Cases not escalated
 * within the wait are counted as later than it, and terminated so their backlog does not run
 * into the next phase or section. The bare timers' lateness is their row's created_at − the instant
 * they were given.
 */
import crypto from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  activityFailuresSince,
  benchCases,
  prepareBenchCases,
  QUIET_LIMIT,
  sectionWillRun,
  setVillageLimit,
  startCases,
  terminateBenchCases,
  timeline,
  workerCacheSize,
  workerLogSize,
  type StartReport,
  type TimelineSample,
} from '../lib/cases';
import { BASELINE_TABLE } from '../baseline-activities';
import { BASELINE_TIMER_STEP, BASELINE_TIMER_WORKFLOW_TYPE, type BaselineTimerInput } from '../baseline-timer-workflow';
import { startBaselineWorker } from '../lib/baseline-process';
import { activityFailures } from '../lib/log-watch';
import { closedLoop } from '../lib/load';
import { fmt, summarize, type Summary } from '../lib/stats';
import type { BenchContext, BenchRow, BenchSection } from '../lib/types';

const TITLE = 'Timers';
/** the burst's deadlines (and the bare timers' wake instants) spread evenly over this window */
const SPREAD_MS = 60_000;
const POLL_MS = 200;
/** a row is read again for this long after a later id was seen (ids are taken at insert, rows appear at commit) */
const COMMIT_LAG_MS = 3_000;
/** at the steady load */
const TARGET_P99_MS = 2_000;
/** the burst's escalations/s ÷ the bare timers' wakes/s */
const TARGET_RATIO = 0.67;
const PLAN_FACTOR = 0.6;
/** callers starting the bare timer workflows */
const BARE_CONCURRENCY = 32;

export interface TimersShared {
  /** the burst */
  cases: number;
  warmup: number;
  startsPerSecond: number;
  openPerSecond: number;
  lateness: Summary;
  /** escalations completed per second after the first deadline */
  perSecond?: number;
  /** cases of the burst not escalated within the wait */
  missed?: number;
  /** the steady load (5 deadlines/s) */
  steady?: { cases: number; deadlinesPerSecond: number; lateness: Summary; missed: number };
  /** bare Temporal timer workflows woken over one minute, and the burst's escalations/s ÷ their wakes/s */
  bareTimer?: { workflows: number; perSecond: number; lateness: Summary; missed: number; ratio: number };
}

interface Seen {
  escalateId?: bigint;
  escalateSeen?: number;
  dispatchSeen?: number;
}

const iso = (t: number) => new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const sec = (ms: number) => ms / 1000;
/** seconds, or "> cap" for a case that did not get there within the wait (Infinity) */
const late = (ms: number, capMs: number, digits = 2) => (Number.isFinite(ms) ? fmt(ms / 1000, digits) : `> ${fmt(capMs / 1000, 0)}`);

interface PhaseOptions {
  /** for the log */
  name: string;
  /** case ids `${tag}-<batch>…` */
  batch: string;
  total: number;
  /** the deadlines spread evenly over this window */
  spreadMs: number;
  /** the warm-up's opening rate: plans when the window can start */
  warmRate: number;
  /** the first deadline comes at least this long after the last start (the worker's backlog drains) */
  minLeadMs: number;
  /** how long after the last deadline the bench waits for the escalations */
  maxWaitMs: number;
  /** Temporal histories sampled across the window */
  sampleCount: number;
}

/**
 * One phase: start `total` cases while steering their deadlines evenly over [first, first + spreadMs),
 * watch case_events until they escalated (or the wait is over), terminate the ones that did not,
 * and measure the lateness of each.
 */
async function deadlinePhase(ctx: BenchContext, o: PhaseOptions) {
  const logAtStart = workerLogSize();
  // the sustained rate is lower than the warm-up's once the worker's cache is full (and on a
  // shared machine it varies): plan for PLAN_FACTOR of it; cases not started in time are not measured
  const plannedMs = (o.total / (o.warmRate * PLAN_FACTOR)) * 1000;
  const first = Date.now() + plannedMs + o.minLeadMs;
  // the limit is read when a task opens, so the share of cases already open places the next deadline
  const targetOf = (opened: number) => first + (o.spreadMs * Math.min(opened, o.total)) / o.total;
  ctx.log(`${o.name}: starting ${o.total} cases (planned ${fmt(sec(plannedMs))} s); deadlines from ${iso(first)} to ${iso(first + o.spreadMs)}`);
  // watch case_events (from the first start, so that no escalation is missed) until every case
  // is in its township inbox, the wait after the last deadline is over, or nothing moved for a minute
  const prefix = `${benchCases(ctx).tag}-${o.batch}`;
  const seen = new Map<string, Seen>();
  const watch = { expected: Infinity, firstDue: Infinity, lastDue: Infinity, escalated: 0, dispatched: 0, polls: 0, pollMs: 0, peakRss: 0 };
  const startMax = await ctx.prisma.caseEvent.aggregate({ _max: { id: true } });
  const watcher = (async () => {
    const seenIds = new Set<bigint>();
    const cursors: { t: number; maxId: bigint }[] = [];
    let low = startMax._max.id ?? 0n;
    let maxId = low;
    let progressAt = Date.now();
    const over = () => {
      const now = Date.now();
      return watch.dispatched >= watch.expected || now > watch.lastDue + o.maxWaitMs || (now > watch.lastDue + 30_000 && now - progressAt > 60_000);
    };
    while (!over()) {
      const t = Date.now();
      // a row visible to this query was committed before it started: t is when it was seen
      const rows = await ctx.prisma.caseEvent.findMany({
        where: { id: { gt: low }, action: { in: ['escalate', 'dispatchTask'] }, caseId: { startsWith: prefix } },
        select: { id: true, caseId: true, action: true },
        orderBy: { id: 'asc' },
      });
      watch.polls += 1;
      watch.pollMs += Date.now() - t;
      for (const r of rows) {
        if (seenIds.has(r.id)) continue;
        seenIds.add(r.id);
        if (r.id > maxId) maxId = r.id;
        const c = seen.get(r.caseId) ?? {};
        seen.set(r.caseId, c);
        if (r.action === 'escalate' && c.escalateId === undefined) {
          c.escalateId = r.id;
          c.escalateSeen = t;
          watch.escalated += 1;
          progressAt = t;
        } else if (r.action === 'dispatchTask' && c.escalateId !== undefined && r.id > c.escalateId && c.dispatchSeen === undefined) {
          c.dispatchSeen = t;
          watch.dispatched += 1;
          progressAt = t;
        }
      }
      cursors.push({ t, maxId });
      while (cursors.length && cursors[0].t <= t - COMMIT_LAG_MS) low = (cursors.shift() as { maxId: bigint }).maxId;
      watch.peakRss = Math.max(watch.peakRss, ctx.worker.rss() || 0);
      if (watch.polls % 50 === 0 && t > watch.firstDue) ctx.log(`${o.name}: ${watch.escalated} escalated, ${watch.dispatched} township tasks dispatched (${fmt(sec(t - watch.firstDue))} s after the first deadline)`);
      const wait = POLL_MS - (Date.now() - t);
      if (wait > 0) await delay(wait);
    }
  })();

  let opened = 0;
  let steering = true;
  const writeLimit = async () => {
    const limitMs = Math.max(1_000, targetOf(opened) - Date.now());
    await setVillageLimit(ctx, `PT${(limitMs / 1000).toFixed(3)}S`);
  };
  await writeLimit();
  const steer = (async () => {
    while (steering) {
      await writeLimit().catch(() => undefined);
      await delay(100);
    }
  })();
  let run: StartReport;
  try {
    run = await startCases(ctx, {
      batch: o.batch,
      count: o.total,
      // every start comes before the first deadline: the escalations are measured on their own
      shouldStop: (_started, open) => {
        opened = open;
        return Date.now() > first - o.minLeadMs;
      },
      onTick: (_started, open) => {
        opened = open;
      },
    });
  } catch (e) {
    watch.expected = 0; // stops the watcher
    throw e;
  } finally {
    steering = false;
    await steer;
    await setVillageLimit(ctx, QUIET_LIMIT);
  }
  const startsPerSecond = run.ids.length / sec(run.clientMs);
  const openPerSecond = run.ids.length / sec(run.openMs);
  ctx.log(`${o.name}: ${run.ids.length} cases started in ${fmt(sec(run.clientMs))} s (${fmt(startsPerSecond)}/s), all open in MySQL after ${fmt(sec(run.openMs))} s${run.stopped ? ' (stopped early: behind the plan)' : ''}`);

  // each task's deadline, as the product computed it
  const tasks = await ctx.prisma.task.findMany({ where: { caseId: { startsWith: run.prefix }, tier: 'VILLAGE' }, select: { caseId: true, dueAt: true } });
  const due = new Map(tasks.filter((t) => t.dueAt).map((t) => [t.caseId, (t.dueAt as Date).getTime()]));
  const dues = [...due.values()].sort((a, b) => a - b);
  const firstDue = dues[0];
  const lastDue = dues[dues.length - 1];
  // the most deadlines any window of spreadMs holds (all of them when the placement worked)
  let inWindow = 0;
  for (let i = 0, j = 0; i < dues.length; i++) {
    while (dues[i] - dues[j] >= o.spreadMs) j++;
    inWindow = Math.max(inWindow, i - j + 1);
  }
  ctx.log(`${o.name}: ${due.size} deadlines from ${iso(firstDue)} to ${iso(lastDue)} (${fmt(sec(lastDue - firstDue))} s); first in ${fmt(sec(firstDue - Date.now()))} s`);
  const startFailures = activityFailuresSince(logAtStart);
  const logAtBurst = workerLogSize();
  Object.assign(watch, { expected: due.size, firstDue, lastDue });
  await watcher;
  const { polls, pollMs, peakRss } = watch;

  const endedAt = Date.now();
  const waitedMs = endedAt - lastDue;
  const burstFailures = activityFailuresSince(logAtBurst);

  // where the lateness comes from, for a sample spread over the window: Temporal's TimerFired
  // time and the start of the workflow task that handled it (from the cases' histories)
  const sampleIds = [...due.entries()].sort((a, b) => a[1] - b[1]).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / o.sampleCount)) === 0);
  const samples: TimelineSample[] = [];
  await closedLoop({ concurrency: 8, count: sampleIds.length }, async (i) => {
    const t = await timeline(ctx, sampleIds[i][0], sampleIds[i][1]);
    if (t) samples.push(t);
  });
  const firedLate = summarize(samples.map((x) => x.firedLateMs));
  const pickup = summarize(samples.map((x) => x.pickupMs).filter(Number.isFinite));
  const oneMs = samples.filter((x) => x.oneMsTimers > 0).length;
  const timedOut = samples.filter((x) => x.taskTimeouts > 0).length;

  // the cases still on their way: terminated now, so their backlog does not run into what comes next
  const unfinished = [...due.keys()].filter((id) => seen.get(id)?.dispatchSeen === undefined);
  if (unfinished.length) {
    ctx.log(`${o.name}: ${unfinished.length} cases not in their township inbox ${fmt(sec(waitedMs), 0)} s after the last deadline: terminating them`);
    await terminateBenchCases(ctx, { ids: unfinished, reason: 'bench: not escalated within the wait' });
  }

  // the workflow's own record of every case (also catches what the polls missed)
  const events = await ctx.prisma.caseEvent.findMany({
    where: { caseId: { startsWith: run.prefix }, action: { in: ['overdue', 'escalate'] } },
    select: { caseId: true, action: true, createdAt: true },
  });
  const recorded = new Map<string, { overdue?: number; escalate?: number }>();
  for (const e of events) {
    const r = recorded.get(e.caseId) ?? {};
    recorded.set(e.caseId, r);
    const at = e.createdAt.getTime();
    if (e.action === 'overdue') r.overdue = Math.min(r.overdue ?? at, at);
    else r.escalate = Math.min(r.escalate ?? at, at);
  }

  // lateness per case; Infinity: not there within the wait
  const lateSeen: number[] = [];
  const lateInbox: number[] = [];
  const lateRecorded: number[] = [];
  const lateOverdue: number[] = [];
  const byPosition: { due: number; late: number }[] = [];
  let lastSeen = 0;
  for (const [caseId, d] of due) {
    const s = seen.get(caseId);
    const r = recorded.get(caseId);
    const esc = s?.escalateSeen !== undefined ? s.escalateSeen - d : Infinity;
    lateSeen.push(esc);
    byPosition.push({ due: d, late: esc });
    if (s?.escalateSeen !== undefined) lastSeen = Math.max(lastSeen, s.escalateSeen);
    lateInbox.push(s?.dispatchSeen !== undefined ? s.dispatchSeen - d : Infinity);
    lateRecorded.push(r?.escalate !== undefined ? r.escalate - d : Infinity);
    lateOverdue.push(r?.overdue !== undefined ? r.overdue - d : Infinity);
  }
  const missed = lateSeen.filter((x) => !Number.isFinite(x)).length;
  // lateness by tenth of the window: does it grow while the deadlines keep coming?
  const tenths = Array.from({ length: 10 }, (_, i) => {
    const from = firstDue + ((lastDue - firstDue) * i) / 10;
    const to = firstDue + ((lastDue - firstDue) * (i + 1)) / 10;
    const slice = summarize(byPosition.filter((p) => p.due >= from && (i === 9 ? p.due <= to : p.due < to)).map((p) => p.late));
    return { from: iso(from), count: slice.count, p50Ms: slice.p50, p99Ms: slice.p99 };
  });
  const arrival = due.size / sec(Math.max(1_000, lastDue - firstDue));
  const drainPerSecond = (due.size - missed) / sec(Math.max(1_000, lastSeen - firstDue));
  return {
    run,
    first,
    plannedMs,
    startsPerSecond,
    openPerSecond,
    due,
    firstDue,
    lastDue,
    inWindow,
    startFailures,
    burstFailures,
    polls,
    pollMs,
    peakRss,
    endedAt,
    waitedMs,
    samples,
    firedLate,
    pickup,
    oneMs,
    timedOut,
    missed,
    seenStats: summarize(lateSeen),
    inboxStats: summarize(lateInbox),
    recordedStats: summarize(lateRecorded),
    overdueStats: summarize(lateOverdue),
    tenths,
    arrival,
    drainPerSecond,
  };
}

type Phase = Awaited<ReturnType<typeof deadlinePhase>>;

const phaseDetails = (p: Phase) => ({
  start: { started: p.run.ids.length, clientMs: p.run.clientMs, openMs: p.run.openMs, startsPerSecond: p.startsPerSecond, openPerSecond: p.openPerSecond, errors: p.run.errors, errorSamples: p.run.errorSamples, stoppedEarly: p.run.stopped, plannedMs: p.plannedMs },
  deadlines: { count: p.due.size, inOneWindow: p.inWindow, first: new Date(p.firstDue).toISOString(), last: new Date(p.lastDue).toISOString(), planned: new Date(p.first).toISOString() },
  latenessMs: { seen: p.seenStats, recorded: p.recordedStats, overdueRecorded: p.overdueStats, inbox: p.inboxStats, waitedAfterLastDeadline: p.waitedMs },
  byTenth: p.tenths,
  arrivalPerSecond: p.arrival,
  drainPerSecond: p.drainPerSecond,
  missed: p.missed,
  polls: { count: p.polls, meanMs: p.pollMs / Math.max(1, p.polls), intervalMs: POLL_MS, endedAt: new Date(p.endedAt).toISOString() },
  workerPeakRssMiB: p.peakRss / 2 ** 20,
  timelineMs: { firedLate: p.firedLate, pickup: p.pickup, sampled: p.samples.length, withOneMsTimer: p.oneMs, withTaskTimeout: p.timedOut, historyEvents: summarize(p.samples.map((x) => x.events)) },
  activityFailures: { start: p.startFailures, burst: p.burstFailures },
});

/**
 * The bare-Temporal baseline of the burst: `total` workflows of bench/baseline-timer-workflow.ts,
 * started through the client as fast as BARE_CONCURRENCY callers go, sleeping until instants
 * spread evenly over [first, first + spreadMs) and then writing one row each. A warm-up of
 * `warmCount` workflows that wake at once measures the start rate that places the minute (as the
 * cases' warm-up does); every measured start comes before the first wake instant.
 */
async function bareTimers(ctx: BenchContext, o: { total: number; warmCount: number; spreadMs: number; minLeadMs: number; maxWaitMs: number }) {
  const taskQueue = `${ctx.taskQueue}-bare-timer`;
  const run = crypto.randomBytes(3).toString('hex');
  const prefix = `bench-bare-timer-${run}-`;
  const base = await startBaselineWorker(ctx, { taskQueue, label: 'bare-timer-worker' });
  const client = ctx.temporal.client;
  const started: string[] = [];
  try {
    // each closes itself at the latest this long after its instant (past the wait), even without a worker
    const start = (id: string, wakeAt: number) =>
      client.workflow.start(BASELINE_TIMER_WORKFLOW_TYPE, {
        workflowId: id,
        taskQueue,
        args: [{ wakeAt } satisfies BaselineTimerInput],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowExecutionTimeout: Math.max(0, wakeAt - Date.now()) + o.maxWaitMs + 120_000,
      });
    // warm-up: workflows that wake at once (not measured), their start rate plans the minute
    const w0 = performance.now();
    const warm = await closedLoop({ concurrency: BARE_CONCURRENCY, count: o.warmCount }, async (i) => {
      const id = `${prefix}w${i + 1}`;
      await start(id, Date.now());
      started.push(id);
    });
    const warmRate = warm.ok.length / sec(performance.now() - w0);
    const plannedMs = (o.total / (warmRate * PLAN_FACTOR)) * 1000;
    const first = Date.now() + plannedMs + o.minLeadMs;
    ctx.log(`bare timers: warm-up ${warm.ok.length} started at ${fmt(warmRate)}/s; starting ${o.total} (planned ${fmt(sec(plannedMs))} s), wake instants from ${iso(first)} to ${iso(first + o.spreadMs)}`);
    const wakeAt = new Map<string, number>();
    let stopped = false;
    const t0 = performance.now();
    const loop = await closedLoop({ concurrency: BARE_CONCURRENCY, count: o.total }, async (i) => {
      if (stopped || Date.now() > first - o.minLeadMs) {
        stopped = true;
        return;
      }
      const id = `${prefix}t${i + 1}`;
      const at = first + (o.spreadMs * i) / o.total;
      await start(id, at);
      started.push(id);
      wakeAt.set(id, at);
    });
    const clientMs = performance.now() - t0;
    const startsPerSecond = wakeAt.size / sec(clientMs);
    const ats = [...wakeAt.values()];
    const firstWake = Math.min(...ats);
    const lastWake = Math.max(...ats);
    ctx.log(`bare timers: ${wakeAt.size} started in ${fmt(sec(clientMs))} s (${fmt(startsPerSecond)}/s)${stopped ? ' (stopped early: behind the plan)' : ''}; first wake in ${fmt(sec(firstWake - Date.now()))} s`);

    // wait for their rows (each is written once the workflow woke), the wait after the last instant, or a minute without progress
    const countRows = async () => {
      const [{ n }] = (await base.pool.query(`SELECT COUNT(*) AS n FROM \`${BASELINE_TABLE}\` WHERE workflow_id LIKE ? AND step = ?`, [`${prefix}t%`, BASELINE_TIMER_STEP])) as Array<{ n: bigint | number }>;
      return Number(n);
    };
    let rowsSeen = 0;
    let progressAt = Date.now();
    for (;;) {
      const now = Date.now();
      if (rowsSeen >= wakeAt.size || now > lastWake + o.maxWaitMs || (now > lastWake + 30_000 && now - progressAt > 60_000)) break;
      const n = await countRows();
      if (n !== rowsSeen) progressAt = Date.now();
      rowsSeen = n;
      await delay(1_000);
    }
    // created_at is CURRENT_TIMESTAMP(3) of the insert, read back in the same session time zone
    const rows = (await base.pool.query(`SELECT workflow_id AS id, UNIX_TIMESTAMP(MIN(created_at)) * 1000 AS at FROM \`${BASELINE_TABLE}\` WHERE workflow_id LIKE ? AND step = ? GROUP BY workflow_id`, [
      `${prefix}t%`,
      BASELINE_TIMER_STEP,
    ])) as Array<{ id: string; at: number | string }>;
    const written = new Map(rows.map((r) => [r.id, Number(r.at)]));
    const lateness: number[] = [];
    let lastWritten = 0;
    for (const [id, at] of wakeAt) {
      const w = written.get(id);
      lateness.push(w !== undefined ? w - at : Infinity);
      if (w !== undefined) lastWritten = Math.max(lastWritten, w);
    }
    const missed = lateness.filter((x) => !Number.isFinite(x)).length;
    // rows per second after the first wake instant: the cases' drainPerSecond
    const perSecond = (wakeAt.size - missed) / sec(Math.max(1_000, lastWritten - firstWake));
    const stats = summarize(lateness);
    const failures = activityFailures(base.log.since());
    ctx.log(`bare timers: ${wakeAt.size - missed} of ${wakeAt.size} woke and wrote their row, ${fmt(perSecond)}/s; lateness p50 ${late(stats.p50, o.maxWaitMs)} s, p99 ${late(stats.p99, o.maxWaitMs)} s`);
    return {
      workflows: wakeAt.size,
      warmup: { started: warm.ok.length, perSecond: warmRate, errors: warm.errors },
      start: { clientMs, startsPerSecond, errors: loop.errors, errorSamples: loop.errorSamples, stoppedEarly: stopped, plannedMs, concurrency: BARE_CONCURRENCY },
      wake: { first: new Date(firstWake).toISOString(), last: new Date(lastWake).toISOString(), perSecond: wakeAt.size / sec(Math.max(1_000, lastWake - firstWake)) },
      perSecond,
      lateness: stats,
      missed,
      waitedMs: Date.now() - lastWake,
      activityFailures: failures,
      taskQueue,
    };
  } finally {
    // they complete by themselves once their row is written (the last workflow task follows the
    // activity: give it a moment); the ones without a row (a failed run, past the wait) are terminated
    await delay(3_000);
    const woke = new Set(
      ((await base.pool.query(`SELECT DISTINCT workflow_id AS id FROM \`${BASELINE_TABLE}\` WHERE workflow_id LIKE ? AND step = ?`, [`${prefix}%`, BASELINE_TIMER_STEP]).catch(() => [])) as Array<{ id: string }>).map((r) => r.id),
    );
    const open = started.filter((id) => !woke.has(id));
    if (open.length) ctx.log(`bare timers: terminating ${open.length} workflows without their row`);
    await closedLoop({ concurrency: 16, count: open.length }, async (i) => {
      await client.workflow
        .getHandle(open[i])
        .terminate('bench done')
        .catch((e) => (e instanceof WorkflowNotFoundError ? undefined : ctx.log(`bare timers: could not terminate ${open[i]}: ${(e as Error).message}`)));
    });
    await base.stop();
  }
}

export const timersSection: BenchSection = {
  id: 'timers',
  title: TITLE,
  async run(ctx) {
    const total = ctx.quick ? 300 : 10_000;
    const warmCount = ctx.quick ? 30 : 300;
    // the steady load: 5 deadlines/s
    const steadyTotal = ctx.quick ? 60 : 300;
    const steadySpreadMs = ctx.quick ? 12_000 : 60_000;
    // the first deadline comes at least this long after the last start (the worker's backlog drains)
    const minLeadMs = ctx.quick ? 8_000 : 15_000;
    // how long after the last deadline the bench waits for the escalations
    const maxWaitMs = ctx.quick ? 120_000 : 180_000;
    const cleanUpHere = !sectionWillRun('openCases');
    try {
      await prepareBenchCases(ctx);

      // 1. warm-up: cases with a quiet deadline (they stay open for the open-cases section); their
      // rate plans when the measured windows can start
      await setVillageLimit(ctx, QUIET_LIMIT);
      const warm = await startCases(ctx, { batch: 'w', count: warmCount });
      const warmRate = warm.steadyPerSecond;
      ctx.log(`warm-up: ${warm.ids.length} cases open in ${fmt(sec(warm.openMs))} s (${fmt(warmRate)}/s once under way)`);

      // 2. the steady load: deadlines spread over steadySpreadMs at 5/s (the lateness target)
      const steady = await deadlinePhase(ctx, { name: 'steady', batch: 's', total: steadyTotal, spreadMs: steadySpreadMs, warmRate, minLeadMs, maxWaitMs, sampleCount: ctx.quick ? 12 : 30 });

      // 3. the burst: deadlines spread over SPREAD_MS
      const b = await deadlinePhase(ctx, { name: 'burst', batch: 't', total, spreadMs: SPREAD_MS, warmRate, minLeadMs, maxWaitMs, sampleCount: ctx.quick ? 30 : 100 });
      const { run, seenStats, missed, drainPerSecond } = b;
      const cap = b.waitedMs;

      // 4. bare Temporal timers over one minute, after the burst (which is over: escalated or terminated)
      let bare: Awaited<ReturnType<typeof bareTimers>> | undefined;
      let bareError: string | undefined;
      try {
        bare = await bareTimers(ctx, { total, warmCount, spreadMs: SPREAD_MS, minLeadMs, maxWaitMs });
      } catch (e) {
        bareError = (e as Error).message;
        ctx.log(`bare timers failed: ${bareError}`);
      }
      const ratio = bare ? drainPerSecond / bare.perSecond : NaN;

      ctx.shared.timers = {
        cases: run.ids.length,
        warmup: warm.ids.length,
        startsPerSecond: b.startsPerSecond,
        openPerSecond: b.openPerSecond,
        lateness: seenStats,
        perSecond: drainPerSecond,
        missed,
        steady: { cases: steady.due.size, deadlinesPerSecond: steady.arrival, lateness: steady.seenStats, missed: steady.missed },
        bareTimer: bare && { workflows: bare.workflows, perSecond: bare.perSecond, lateness: bare.lateness, missed: bare.missed, ratio },
      } satisfies TimersShared;

      const steadyMet = steady.missed === 0 && steady.seenStats.p99 <= TARGET_P99_MS;
      const ratioMet = bare !== undefined && ratio >= TARGET_RATIO && missed === 0;
      const steadyCap = steady.waitedMs;
      // the steady load's median lateness (as recorded) split into Temporal firing the timer, the worker picking it up, and the rest up to the escalate row; largest first
      const steadyParts = (
        [
          ['Temporal firing the timer late', steady.firedLate.p50],
          ['the worker starting the workflow task after the timer fired', steady.pickup.p50],
          ["the escalation's own work after that (applyCaseChange with the overdue, 督办, boundary and escalate rows, and the workflow task for its result, queued behind the worker's other work)", Math.max(0, steady.recordedStats.p50 - steady.firedLate.p50 - steady.pickup.p50)],
        ] as [string, number][]
      )
        .map(([what, v]): [string, number] => [what, Number.isFinite(v) ? v : 0])
        .sort((x, y) => y[1] - x[1]);
      const rows: BenchRow[] = [
        { measure: `steady load: cases with deadlines spread over ${fmt(sec(steady.lastDue - steady.firstDue), 0)} s (deadlines/s)`, value: `${steady.due.size} (${fmt(steady.arrival)}/s)` },
        { measure: 'steady load: escalation lateness seen in MySQL, p50 / p95', value: `${late(steady.seenStats.p50, steadyCap)} / ${late(steady.seenStats.p95, steadyCap)}`, unit: 's' },
        { measure: 'steady load: escalation lateness seen in MySQL, p99', value: late(steady.seenStats.p99, steadyCap), unit: 's', target: `≤ ${TARGET_P99_MS / 1000} s`, met: steadyMet },
        { measure: `steady load: cases not escalated within ${fmt(sec(steadyCap), 0)} s of the last deadline (terminated)`, value: steady.missed },
        { measure: `cases with deadlines in one minute (${iso(b.firstDue)} – ${iso(b.lastDue)}, the densest 60 s window)`, value: b.inWindow },
        { measure: `starting them: client starts/s (${run.ids.length} in ${fmt(sec(run.clientMs))} s)`, value: b.startsPerSecond, unit: '/s' },
        { measure: 'starting them: cases open in MySQL (first task dispatched) per s', value: b.openPerSecond, unit: '/s' },
        { measure: 'escalation lateness seen in MySQL, p50', value: late(seenStats.p50, cap), unit: 's' },
        { measure: 'escalation lateness seen in MySQL, p95', value: late(seenStats.p95, cap), unit: 's' },
        { measure: 'escalation lateness seen in MySQL, p99', value: late(seenStats.p99, cap), unit: 's' },
        { measure: 'escalation lateness seen in MySQL, max', value: late(seenStats.max, cap), unit: 's' },
        { measure: 'escalation lateness as the workflow recorded it, p50 / p99', value: `${late(b.recordedStats.p50, cap)} / ${late(b.recordedStats.p99, cap)}`, unit: 's' },
        { measure: 'escalated task in the township inbox after the deadline, p50 / p99', value: `${late(b.inboxStats.p50, cap)} / ${late(b.inboxStats.p99, cap)}`, unit: 's' },
        { measure: 'escalations completed per second after the first deadline', value: drainPerSecond, unit: '/s' },
        { measure: `cases not escalated within ${fmt(sec(cap), 0)} s of the last deadline (terminated)`, value: missed },
      ];
      if (missed) {
        // at the rate measured, when the last of them would have escalated
        rows.push({ measure: 'lateness of the last escalation, projected at that rate', value: Math.round(sec(b.firstDue + (b.due.size / drainPerSecond) * 1000 - b.lastDue)), unit: 's' });
      }
      if (bare) {
        const bareCap = bare.waitedMs;
        rows.push(
          { measure: `bare timer workflow (sleep until its instant, write one row): ${bare.workflows} woken over one minute, rows written per second after the first wake instant`, value: bare.perSecond, unit: '/s' },
          { measure: 'bare timer workflow: row written after its wake instant, p50 / p99', value: `${late(bare.lateness.p50, bareCap)} / ${late(bare.lateness.p99, bareCap)}`, unit: 's' },
        );
        if (bare.missed) rows.push({ measure: `bare timer workflows without their row ${fmt(sec(bareCap), 0)} s after the last wake instant (terminated)`, value: bare.missed });
      }
      rows.push({
        measure: 'escalations/s ÷ bare timer wakes/s (same run, after the burst)',
        value: bare ? Number(ratio.toFixed(3)) : `bare timers failed: ${(bareError ?? '').slice(0, 80)}`,
        target: `≥ ${TARGET_RATIO}, every case escalated`,
        met: ratioMet,
      });

      const cache = workerCacheSize();
      const openAtDeadline = warm.ids.length + steady.run.ids.length - steady.missed + run.ids.length;
      const notes = [
        `Deadlines: the bench process (bench/processes/timer-escalation.bpmn) takes its deadline from its category's time limit, which prepareTask reads when the task opens; while ${run.ids.length} cases started over ${fmt(sec(run.clientMs))} s the bench moved its category's VILLAGE limit every 100 ms so that each task's deadline (its own creation time + the limit, computed by the product) fell in the minute from ${iso(b.first)}, spread evenly (${fmt(b.arrival)} deadlines/s; ${b.inWindow} of ${b.due.size} in one 60 s window, all within ${fmt(sec(b.lastDue - b.firstDue))} s). ${warm.ids.length} warm-up cases before them (quiet ${QUIET_LIMIT} deadline) measured the start rate that placed the minute${run.stopped ? '; the starts fell behind that plan, so only the cases started in time were measured' : ''}.`,
        `Steady load (the lateness target): before the burst, ${steady.run.ids.length} cases were started the same way and their deadlines placed evenly over ${fmt(sec(steadySpreadMs), 0)} s (${fmt(steady.arrival)} deadlines/s measured from the due_at written, ${steady.inWindow} in one window), all after the last start; lateness seen in MySQL p50 ${late(steady.seenStats.p50, steadyCap)} / p95 ${late(steady.seenStats.p95, steadyCap)} / p99 ${late(steady.seenStats.p99, steadyCap)} s, as the workflow recorded it p50 ${late(steady.recordedStats.p50, steadyCap)} / p99 ${late(steady.recordedStats.p99, steadyCap)} s, in the township inbox p99 ${late(steady.inboxStats.p99, steadyCap)} s; ${steady.missed} not escalated within the wait. Temporal fired their timers p50 ${late(steady.firedLate.p50, steadyCap)} / p99 ${late(steady.firedLate.p99, steadyCap)} s late and the worker picked the workflow task up p50 ${late(steady.pickup.p50, steadyCap)} / p99 ${late(steady.pickup.p99, steadyCap)} s after that (${steady.samples.length} histories). ${steadyMet ? 'The target is met: at this load the worker keeps up and the lateness is the fixed cost of an escalation (the workflow task of its timers and the applyCaseChange writing the escalate row) plus the poll interval.' : `The target is missed: ${steady.missed ? 'cases did not escalate within the wait, ' : ''}${fmt(steady.drainPerSecond)} escalations/s against ${fmt(steady.arrival)} deadlines/s; the largest part of the median lateness is ${steadyParts[0][0]} (${fmt(sec(steadyParts[0][1]), 2)} s of ${late(steady.recordedStats.p50, steadyCap)} s as recorded), then ${steadyParts[1][0]} (${fmt(sec(steadyParts[1][1]), 2)} s) and ${steadyParts[2][0]} (${fmt(sec(steadyParts[2][1]), 2)} s). The worker shares 2 cores with Temporal, MariaDB, the API and the load generator: ${steady.drainPerSecond < steady.arrival * 0.95 ? 'it did not keep up with 5 deadlines/s, so each escalation also waited behind the ones before it' : 'it kept up with the deadlines, so the lateness is the fixed cost of one escalation on this machine'}.`}`,
        `Lateness is the time from each task's due_at (tasks table) to: the poll of case_events (every ${POLL_MS} ms; ${b.polls} polls of ${fmt(b.pollMs / Math.max(1, b.polls))} ms) that first saw the case's \`escalate\` row (what people see: the case one tier up, its village task cancelled); the workflow's own time of that row (the start of the workflow task that ran the boundary event); and the township \`dispatchTask\` row (the escalated task in the township's inbox). In the burst the overdue row (automatic 督办) was recorded p50 ${late(b.overdueStats.p50, cap)} s / p99 ${late(b.overdueStats.p99, cap)} s after the deadline.${missed ? ` ${missed} cases had not escalated ${fmt(sec(cap), 0)} s after the last deadline: they count as later than that in the percentiles, and were terminated.` : ''} The burst's lateness has no target of its own (10 k deadlines in one minute is a throughput test: the escalations/s ratio below).`,
        `Where the time goes in the burst (${b.samples.length} histories sampled across the minute): Temporal fired the deadline timers p50 ${late(b.firedLate.p50, cap)} s / p99 ${late(b.firedLate.p99, cap)} s late; the worker started the workflow task p50 ${late(b.pickup.p50, cap)} s / p99 ${late(b.pickup.p99, cap)} s after that${b.timedOut ? `; ${b.timedOut} of the ${b.samples.length} had a workflow task time out unstarted on the worker's sticky queue (its schedule-to-start timeout, GRIDCASE_WORKER_STICKY_TIMEOUT_MS: the worker's backlog was longer than that, so the task went back to the task queue shared by all workers and waited again; a longer timeout, or more workers)` : ''}. The escalate row then needs the workflow task that handles the deadline's two timers (overdue and boundary, one step with patch timers-in-one-step) and its applyCaseChange (overdue, 督办, boundary and escalate rows in one transaction; before the patch two steps and two writes); the township task two more activities (prepareTask, then its write). ${fmt(drainPerSecond)} escalations/s against ${fmt(b.arrival)} deadlines/s: ${drainPerSecond < b.arrival * 0.95 ? "the backlog grows through the minute, so lateness grows with the deadline's position in it (details.burst.byTenth)" : 'the worker keeps up with the arrival of deadlines'}. One worker process, one local Temporal dev server (SQLite) and MariaDB share 2 cores with the load generator.`,
        bare
          ? `Bare Temporal (same run, after the burst was over): ${bare.workflows} workflows of bench/baseline-timer-workflow.ts on the baseline worker (its own process and task queue, the SDK's default worker options, a plain mariadb pool), started through the Temporal client by ${BARE_CONCURRENCY} callers at ${fmt(bare.start.startsPerSecond)}/s, each sleeping until its instant (spread evenly over one minute like the cases' deadlines, ${fmt(bare.wake.perSecond)} wakes/s due) and then writing one row: one timer, three workflow tasks and one activity per wake, against the escalation's two timers (overdue and boundary), the process engine, and an applyCaseChange transaction of four rows (Prisma, the case lock) before the escalate row. They wrote ${fmt(bare.perSecond)} rows/s after the first wake instant (same definition as the escalations/s: done ÷ time from the first instant to the last done; their time is the row's created_at, the cases' the poll that saw the row, at most ${POLL_MS} ms later), lateness p50 ${late(bare.lateness.p50, bare.waitedMs)} / p99 ${late(bare.lateness.p99, bare.waitedMs)} s${bare.missed ? `, ${bare.missed} without their row within the wait` : ''}. Ratio ${fmt(ratio, 3)}: ${ratioMet ? 'met.' : `missed (${[ratio < TARGET_RATIO ? `escalations/s are ${fmt(ratio * 100, 0)} % of bare Temporal's: the product's work per escalation, two timers, the process engine and a four-row applyCaseChange transaction before the escalate row, on the same 2 cores` : '', missed ? `${missed} cases not escalated within the wait` : ''].filter(Boolean).join('; ')}).`} ${bare.perSecond < bare.wake.perSecond * 0.95 ? "Bare Temporal did not keep up with the wake instants either: its rate is the machine's ceiling for timer → workflow task → one write, not the arrival rate." : 'Bare Temporal kept up with the wake instants: its rate is the arrival rate, not its ceiling, so the ratio says how close the escalations came to keeping up with the same arrival.'}`
          : `Bare Temporal timers: not measured (${bareError}); the ratio has no denominator in this run.`,
        `The worker's sticky cache holds ${cache.size} workflows (${cache.source}); ${openAtDeadline > cache.size ? `with ${openAtDeadline} open bench cases about ${openAtDeadline - cache.size} were evicted before their deadline, so their timer's workflow task first fetched and replayed the history (the open-cases section measures that cost)` : `all ${openAtDeadline} open bench cases fit in it`}.`,
        `Activity attempts that failed and were retried (at least 1 s later: the case workflow's retry policy): ${b.startFailures.failed} while the burst's cases started, ${b.burstFailures.failed} while they escalated (steady load: ${steady.startFailures.failed + steady.burstFailures.failed}); write conflicts or deadlocks among them (applyCaseChange transactions of concurrent cases colliding on their locks): ${b.startFailures.conflicts + b.burstFailures.conflicts + steady.startFailures.conflicts + steady.burstFailures.conflicts}.${bare?.activityFailures.count ? ` The baseline worker logged ${bare.activityFailures.count} activity failures (retried).` : ''}`,
        b.oneMs
          ? `${b.oneMs} of ${b.samples.length} sampled cases started a 1 ms timer after the deadline: while the first of the two timers due together is handled, settle() → reconcileTimers() re-arms the second as a 1 ms timer that later fires into a no-op (one timer and one workflow task more per escalation). Patch timers-in-one-step keeps a fired timer armed until its step ran; cases started before it still do this.`
          : `None of the ${b.samples.length} sampled cases started a 1 ms timer after the deadline (patch timers-in-one-step: the deadline's two timers are one step).`,
        'Deadlines counted in working days all end at 18:00:00 of their day (process/business-time.ts), so in production thousands fall on the very same instant rather than spread over a minute: their escalation then ends about N ÷ (escalations/s) after 18:00.',
      ];
      return {
        id: 'timers',
        title: TITLE,
        rows,
        notes,
        details: {
          total,
          warmup: { cases: warm.ids.length, openMs: warm.openMs, ratePerSecond: warmRate },
          steady: { total: steadyTotal, spreadMs: steadySpreadMs, ...phaseDetails(steady) },
          burst: { total, spreadMs: SPREAD_MS, ...phaseDetails(b) },
          bareTimer: bare ?? { error: bareError },
          ratio: { escalationsPerSecond: drainPerSecond, bareWakesPerSecond: bare?.perSecond, value: ratio, target: TARGET_RATIO, met: ratioMet },
          cache,
        },
      };
    } finally {
      if (cleanUpHere) await terminateBenchCases(ctx);
    }
  },
};
