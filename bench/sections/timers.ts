/**
 * Timers: 10 k cases whose deadlines fall in the same minute; lateness of the escalation.
 *
 * The cases run the bench process bench/processes/timer-escalation.bpmn (the first leg of 应急处置,
 * diagrams/emergency.bpmn): Task_Respond with `grid:deadline="category"`, a boundary timer
 * relative to that deadline, and the escalateTier service task that moves the case one tier up,
 * where Task_Respond opens again. At the deadline the product path is exactly the emergency one:
 * the task's overdue timer (overdue + automatic 督办 rows) and the boundary timer fire, the case
 * escalates (boundary + escalate rows, village task cancelled, case at TOWNSHIP), then the township
 * task is dispatched (dispatchTask row, task row in the township's inbox).
 *
 * Deadlines in one minute although starting 10 k cases takes minutes: a task's deadline is its
 * creation time plus the category's limit for its tier, read from category_time_limits by the
 * prepareTask activity when the task opens. While the cases start, the bench rewrites its own
 * category's VILLAGE limit every 100 ms to "target − now", the target moving evenly across one
 * minute with the share of cases already open; so every deadline is computed by the product from
 * its own task's creation time, and they spread evenly over the minute. Lateness is measured
 * against each task's own due_at as written in `tasks`, so the trick only places the deadlines.
 *
 * Lateness is measured from outside (the bench polls case_events every POLL_MS and timestamps
 * when each case's `escalate` row, then its township `dispatchTask` row, become visible: what
 * people see) and from the workflow's own record (case_events.createdAt is the workflow's time of
 * the change); a sample of Temporal histories tells where the time went. Cases not escalated
 * within the wait are counted as later than it, and terminated so their backlog does not run
 * into the next section.
 */
import { setTimeout as delay } from 'node:timers/promises';
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
  type TimelineSample,
} from '../lib/cases';
import { closedLoop } from '../lib/load';
import { fmt, summarize, type Summary } from '../lib/stats';
import type { BenchRow, BenchSection } from '../lib/types';

const TITLE = 'Timers';
/** the deadlines spread evenly over this window */
const SPREAD_MS = 60_000;
const POLL_MS = 200;
/** a row is read again for this long after a later id was seen (ids are taken at insert, rows appear at commit) */
const COMMIT_LAG_MS = 3_000;
const TARGET_P99_MS = 2_000;
const PLAN_FACTOR = 0.6;

export interface TimersShared {
  cases: number;
  warmup: number;
  startsPerSecond: number;
  openPerSecond: number;
  lateness: Summary;
  /** escalations completed per second after the first deadline */
  perSecond?: number;
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

export const timersSection: BenchSection = {
  id: 'timers',
  title: TITLE,
  async run(ctx) {
    const total = ctx.quick ? 300 : 10_000;
    const warmCount = ctx.quick ? 30 : 300;
    // the first deadline comes at least this long after the last start (the worker's backlog drains)
    const minLeadMs = ctx.quick ? 8_000 : 15_000;
    // how long after the last deadline the bench waits for the escalations
    const maxWaitMs = ctx.quick ? 120_000 : 180_000;
    const cleanUpHere = !sectionWillRun('openCases');
    try {
      await prepareBenchCases(ctx);
      const logAtStart = workerLogSize();

      // 1. warm-up: cases with a quiet deadline (they stay open for the open-cases section); their
      // rate plans when the measured minute can start
      await setVillageLimit(ctx, QUIET_LIMIT);
      const warm = await startCases(ctx, { batch: 'w', count: warmCount });
      const warmRate = warm.steadyPerSecond;
      ctx.log(`warm-up: ${warm.ids.length} cases open in ${fmt(sec(warm.openMs))} s (${fmt(warmRate)}/s once under way)`);

      // 2. the measured cases, their deadlines spread over [first, first + SPREAD_MS)
      // the sustained rate is lower than the warm-up's once the worker's cache is full (and on a
      // shared machine it varies): plan for PLAN_FACTOR of it; cases not started in time are not measured
      const plannedMs = (total / (warmRate * PLAN_FACTOR)) * 1000;
      const first = Date.now() + plannedMs + minLeadMs;
      // the limit is read when a task opens, so the share of cases already open places the next deadline
      const targetOf = (opened: number) => first + (SPREAD_MS * Math.min(opened, total)) / total;
      ctx.log(`starting ${total} cases (planned ${fmt(sec(plannedMs))} s); deadlines from ${iso(first)} to ${iso(first + SPREAD_MS)}`);
      // 3. watch case_events (from the first start, so that no escalation is missed) until every case
      // is in its township inbox, the wait after the last deadline is over, or nothing moved for a minute
      const prefix = `${benchCases(ctx).tag}-t`;
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
          return watch.dispatched >= watch.expected || now > watch.lastDue + maxWaitMs || (now > watch.lastDue + 30_000 && now - progressAt > 60_000);
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
          if (watch.polls % 50 === 0 && t > watch.firstDue) ctx.log(`${watch.escalated} escalated, ${watch.dispatched} township tasks dispatched (${fmt(sec(t - watch.firstDue))} s after the first deadline)`);
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
      let run;
      try {
        run = await startCases(ctx, {
          batch: 't',
          count: total,
          // every start comes before the first deadline: the escalations are measured on their own
          shouldStop: (_started, open) => {
            opened = open;
            return Date.now() > first - minLeadMs;
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
      ctx.log(`${run.ids.length} cases started in ${fmt(sec(run.clientMs))} s (${fmt(startsPerSecond)}/s), all open in MySQL after ${fmt(sec(run.openMs))} s${run.stopped ? ' (stopped early: behind the plan)' : ''}`);

      // each task's deadline, as the product computed it
      const tasks = await ctx.prisma.task.findMany({ where: { caseId: { startsWith: run.prefix }, tier: 'VILLAGE' }, select: { caseId: true, dueAt: true } });
      const due = new Map(tasks.filter((t) => t.dueAt).map((t) => [t.caseId, (t.dueAt as Date).getTime()]));
      const dues = [...due.values()].sort((a, b) => a - b);
      const firstDue = dues[0];
      const lastDue = dues[dues.length - 1];
      // the most deadlines any 60-second window holds (all of them when the placement worked)
      let inMinute = 0;
      for (let i = 0, j = 0; i < dues.length; i++) {
        while (dues[i] - dues[j] >= SPREAD_MS) j++;
        inMinute = Math.max(inMinute, i - j + 1);
      }
      ctx.log(`${due.size} deadlines from ${iso(firstDue)} to ${iso(lastDue)} (${fmt(sec(lastDue - firstDue))} s); first in ${fmt(sec(firstDue - Date.now()))} s`);
      const startFailures = activityFailuresSince(logAtStart);
      const logAtBurst = workerLogSize();
      Object.assign(watch, { expected: due.size, firstDue, lastDue });
      await watcher;
      const { polls, pollMs, peakRss } = watch;

      const endedAt = Date.now();
      const waitedMs = endedAt - lastDue;
      const burstFailures = activityFailuresSince(logAtBurst);

      // where the lateness comes from, for a sample spread over the minute: Temporal's TimerFired
      // time and the start of the workflow task that handled it (from the cases' histories)
      const sampleIds = [...due.entries()].sort((a, b) => a[1] - b[1]).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / (ctx.quick ? 30 : 100))) === 0);
      const samples: TimelineSample[] = [];
      await closedLoop({ concurrency: 8, count: sampleIds.length }, async (i) => {
        const t = await timeline(ctx, sampleIds[i][0], sampleIds[i][1]);
        if (t) samples.push(t);
      });
      const firedLate = summarize(samples.map((x) => x.firedLateMs));
      const pickup = summarize(samples.map((x) => x.pickupMs).filter(Number.isFinite));
      const oneMs = samples.filter((x) => x.oneMsTimers > 0).length;
      const timedOut = samples.filter((x) => x.taskTimeouts > 0).length;

      // the cases still on their way: terminated now, so their backlog does not run into the next section
      const unfinished = [...due.keys()].filter((id) => seen.get(id)?.dispatchSeen === undefined);
      if (unfinished.length) {
        ctx.log(`${unfinished.length} cases not in their township inbox ${fmt(sec(waitedMs), 0)} s after the last deadline: terminating them`);
        await terminateBenchCases(ctx, { ids: unfinished, reason: 'bench: not escalated within the wait' });
      }

      // 4. the workflow's own record of every case (also catches what the polls missed)
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
      const seenStats = summarize(lateSeen);
      const inboxStats = summarize(lateInbox);
      const recordedStats = summarize(lateRecorded);
      const overdueStats = summarize(lateOverdue);
      // lateness by tenth of the minute: does it grow while the deadlines keep coming?
      const tenths = Array.from({ length: 10 }, (_, i) => {
        const from = firstDue + ((lastDue - firstDue) * i) / 10;
        const to = firstDue + ((lastDue - firstDue) * (i + 1)) / 10;
        const slice = summarize(byPosition.filter((p) => p.due >= from && (i === 9 ? p.due <= to : p.due < to)).map((p) => p.late));
        return { from: iso(from), count: slice.count, p50Ms: slice.p50, p99Ms: slice.p99 };
      });
      const arrival = due.size / sec(Math.max(1_000, lastDue - firstDue));
      const drainPerSecond = (due.size - missed) / sec(Math.max(1_000, lastSeen - firstDue));
      const cap = waitedMs;

      ctx.shared.timers = { cases: run.ids.length, warmup: warm.ids.length, startsPerSecond, openPerSecond, lateness: seenStats, perSecond: drainPerSecond } satisfies TimersShared;

      const met = missed === 0 && seenStats.p99 <= TARGET_P99_MS;
      const rows: BenchRow[] = [
        { measure: `cases with deadlines in one minute (${iso(firstDue)} – ${iso(lastDue)}, the densest 60 s window)`, value: inMinute },
        { measure: `starting them: client starts/s (${run.ids.length} in ${fmt(sec(run.clientMs))} s)`, value: startsPerSecond, unit: '/s' },
        { measure: 'starting them: cases open in MySQL (first task dispatched) per s', value: openPerSecond, unit: '/s' },
        { measure: 'escalation lateness seen in MySQL, p50', value: late(seenStats.p50, cap), unit: 's' },
        { measure: 'escalation lateness seen in MySQL, p95', value: late(seenStats.p95, cap), unit: 's' },
        { measure: 'escalation lateness seen in MySQL, p99', value: late(seenStats.p99, cap), unit: 's', target: `≤ ${TARGET_P99_MS / 1000} s`, met },
        { measure: 'escalation lateness seen in MySQL, max', value: late(seenStats.max, cap), unit: 's' },
        { measure: 'escalation lateness as the workflow recorded it, p50 / p99', value: `${late(recordedStats.p50, cap)} / ${late(recordedStats.p99, cap)}`, unit: 's' },
        { measure: 'escalated task in the township inbox after the deadline, p50 / p99', value: `${late(inboxStats.p50, cap)} / ${late(inboxStats.p99, cap)}`, unit: 's' },
        { measure: 'escalations completed per second after the first deadline', value: drainPerSecond, unit: '/s' },
      ];
      if (missed) {
        rows.push({ measure: `cases not escalated within ${fmt(sec(cap), 0)} s of the last deadline (terminated)`, value: missed });
        // at the rate measured, when the last of them would have escalated
        rows.push({ measure: 'lateness of the last escalation, projected at that rate', value: Math.round(sec(firstDue + (due.size / drainPerSecond) * 1000 - lastDue)), unit: 's' });
      }
      const cache = workerCacheSize();
      const openAtDeadline = warm.ids.length + run.ids.length;
      return {
        id: 'timers',
        title: TITLE,
        rows,
        notes: [
          `Deadlines: the bench process (bench/processes/timer-escalation.bpmn) takes its deadline from its category's time limit, which prepareTask reads when the task opens; while ${run.ids.length} cases started over ${fmt(sec(run.clientMs))} s the bench moved its category's VILLAGE limit every 100 ms so that each task's deadline (its own creation time + the limit, computed by the product) fell in the minute from ${iso(first)}, spread evenly (${fmt(arrival)} deadlines/s; ${inMinute} of ${due.size} in one 60 s window, all within ${fmt(sec(lastDue - firstDue))} s). ${warm.ids.length} warm-up cases before them (quiet ${QUIET_LIMIT} deadline) measured the start rate that placed the minute${run.stopped ? '; the starts fell behind that plan, so only the cases started in time were measured' : ''}.`,
          `Lateness is the time from each task's due_at (tasks table) to: the poll of case_events (every ${POLL_MS} ms; ${polls} polls of ${fmt(pollMs / Math.max(1, polls))} ms) that first saw the case's \`escalate\` row (what people see: the case one tier up, its village task cancelled); the workflow's own time of that row (the start of the workflow task that ran the boundary event); and the township \`dispatchTask\` row (the escalated task in the township's inbox). The overdue row (automatic 督办) was recorded p50 ${late(overdueStats.p50, cap)} s / p99 ${late(overdueStats.p99, cap)} s after the deadline.${missed ? ` ${missed} cases had not escalated ${fmt(sec(cap), 0)} s after the last deadline: they count as later than that in the percentiles, and were terminated.` : ''}`,
          `Where the time goes (${samples.length} histories sampled across the minute): Temporal fired the deadline timers p50 ${late(firedLate.p50, cap)} s / p99 ${late(firedLate.p99, cap)} s late; the worker started the workflow task p50 ${late(pickup.p50, cap)} s / p99 ${late(pickup.p99, cap)} s after that${timedOut ? `; ${timedOut} of the ${samples.length} had a workflow task time out unstarted on the worker's sticky queue (its 10 s schedule-to-start timeout: the worker's backlog was longer than that, so the task went back to the task queue shared by all workers, which this worker polls with 2 of its 10 pollers, and waited again; worth trying, in the worker's options rather than workflow code: a longer stickyQueueScheduleToStartTimeout and more workflow-task pollers, or more workers)` : ''}. The escalate row then needs two workflow tasks and two applyCaseChange writes (overdue + 督办 first, then boundary + escalate: the two timers due at the same time are handled one after the other under the case's lock); the township task two more (prepareTask, then its write). ${fmt(drainPerSecond)} escalations/s against ${fmt(arrival)} deadlines/s: ${drainPerSecond < arrival * 0.95 ? "the backlog grows through the minute, so lateness grows with the deadline's position in it (details.byTenth)" : 'the worker keeps up with the arrival of deadlines'}. One worker process, one local Temporal dev server (SQLite) and MariaDB share 2 cores with the load generator.`,
          `The worker's sticky cache holds ${cache.size} workflows (${cache.source}); ${openAtDeadline > cache.size ? `with ${openAtDeadline} open bench cases about ${openAtDeadline - cache.size} were evicted before their deadline, so their timer's workflow task first fetched and replayed the history (the open-cases section measures that cost)` : `all ${openAtDeadline} open bench cases fit in it`}.`,
          `Activity attempts that failed and were retried (at least 1 s later: the case workflow's retry policy): ${startFailures.failed} while the cases started, ${burstFailures.failed} while they escalated; write conflicts or deadlocks among them (applyCaseChange transactions of concurrent cases colliding on their locks): ${startFailures.conflicts + burstFailures.conflicts}.`,
          `${oneMs} of ${samples.length} sampled cases started a 1 ms timer after the deadline. The overdue and boundary timers fire in the same activation; while the first is handled, settle() → reconcileTimers() re-arms the second (its sleep has resolved and left \`armed\`, but it is still in the engine's timers, its callback waiting for the lock) as a 1 ms timer that later fires into a no-op: one timer and one workflow task more per escalation. Fix (workflow code, behind patched()): keep a fired timer in \`armed\` until its callback has run.`,
          'Deadlines counted in working days all end at 18:00:00 of their day (process/business-time.ts), so in production thousands fall on the very same instant rather than spread over a minute: their escalation then ends about N ÷ (escalations/s) after 18:00.',
        ],
        details: {
          total,
          warmup: { cases: warm.ids.length, openMs: warm.openMs, ratePerSecond: warmRate },
          start: { started: run.ids.length, clientMs: run.clientMs, openMs: run.openMs, startsPerSecond, openPerSecond, errors: run.errors, errorSamples: run.errorSamples, stoppedEarly: run.stopped, plannedMs },
          deadlines: { count: due.size, inOneMinute: inMinute, first: new Date(firstDue).toISOString(), last: new Date(lastDue).toISOString(), planned: new Date(first).toISOString() },
          latenessMs: { seen: seenStats, recorded: recordedStats, overdueRecorded: overdueStats, inbox: inboxStats, waitedAfterLastDeadline: waitedMs },
          byTenth: tenths,
          arrivalPerSecond: arrival,
          drainPerSecond,
          missed,
          polls: { count: polls, meanMs: pollMs / Math.max(1, polls), intervalMs: POLL_MS, endedAt: new Date(endedAt).toISOString() },
          workerPeakRssMiB: peakRss / 2 ** 20,
          timelineMs: { firedLate, pickup, sampled: samples.length, withOneMsTimer: oneMs, withTaskTimeout: timedOut, historyEvents: summarize(samples.map((x) => x.events)) },
          activityFailures: { start: startFailures, burst: burstFailures },
          cache,
        },
      };
    } finally {
      if (cleanUpHere) await terminateBenchCases(ctx);
    }
  },
};
