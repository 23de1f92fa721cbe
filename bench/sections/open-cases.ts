/**
 * Open cases: how many open case workflows one worker holds, and its memory at that point.
 *
 * An open case is a Temporal workflow waiting on people or time: its state lives in Temporal's
 * history and its timers on the server. A worker keeps at most maxCachedWorkflows of them in its
 * sticky cache (GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS, else the SDK's default from the heap limit);
 * the others cost it nothing until their next event (timer, action, query), when it fetches the
 * history and replays it. So the section measures:
 *   1. RSS as open cases grow (the timers section's cases, sampled while they started, plus more
 *      started here for a bounded time: at least a minute, and when the section runs alone until
 *      enough are open to fill the cache, within ten minutes);
 *   2. memory per cached workflow: the worker restarted (empty cache), then open cases touched by
 *      a `state` query (replayed and cached) in steps, RSS after each step, until the cache is full;
 *   3. the price of eviction: an action (POST /api/tasks/{id}/comment as the township handler)
 *      and a query on a case that is not cached, then again on the same case now cached;
 *   4. the extrapolation to 100 k open cases.
 * At the end every bench case is terminated (in parallel) so the shared Temporal server is not
 * left with thousands of open workflows.
 */
import path from 'node:path';
import v8 from 'node:v8';
import { setTimeout as delay } from 'node:timers/promises';
import { stateQuery } from '../../workflows/case-api';
import { benchCases, prepareBenchCases, QUIET_LIMIT, setVillageLimit, startCases, terminateBenchCases, workerCacheSize, type RssSample } from '../lib/cases';
import { ApiClient } from '../lib/http';
import { moduleHeapPerWorkflow } from '../lib/workflow-memory';
import { closedLoop } from '../lib/load';
import { fmt, summarize } from '../lib/stats';
import type { BenchContext, BenchRow, BenchSection } from '../lib/types';

const TITLE = 'Open cases';
const TARGET_OPEN = 100_000;
const MEMORY_TARGET_KIB = 100;
const MiB = 2 ** 20;
/** the server stops routing a workflow's tasks to a dead worker's sticky queue after 10 s without its polls */
const STICKY_CUTOFF_MS = 12_000;

async function settledRss(ctx: BenchContext, ms = 3_000): Promise<number> {
  await delay(ms);
  return ctx.worker.rss();
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx ? points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx : NaN;
}

export const openCasesSection: BenchSection = {
  id: 'openCases',
  title: TITLE,
  async run(ctx) {
    const cases = benchCases(ctx);
    const growMs = ctx.quick ? 15_000 : 60_000;
    const sample = ctx.quick ? 10 : 40;
    const notes: string[] = [];
    const cache = workerCacheSize();
    try {
      // 1. more open cases, for a bounded time (quiet deadline: they only wait)
      const before = cases.open;
      const rssBefore = ctx.worker.rss();
      await prepareBenchCases(ctx); // deployed already when the timers section ran; with --only openCases, here
      await setVillageLimit(ctx, QUIET_LIMIT);
      const t0 = Date.now();
      // at least growMs; run alone (no timers section before it), until enough cases are open to fill the cache and
      // overflow it (so the fill below measures a full cache), within maxGrowMs
      const enough = ctx.quick ? 0 : Math.round(cache.size * 1.25);
      const maxGrowMs = ctx.quick ? growMs : 10 * 60_000;
      const shouldStop = (started: number) => {
        const elapsed = Date.now() - t0;
        return elapsed > maxGrowMs || (elapsed > growMs && before - cases.terminated.size + started >= enough);
      };
      const grow = await startCases(ctx, { batch: 'o', count: 50_000, shouldStop });
      const live = cases.ids.filter((id) => !cases.terminated.has(id));
      const open = live.length;
      const rssOpen = ctx.worker.rss();
      ctx.log(`${open} open bench cases (${before - cases.terminated.size} from the timers section, ${grow.ids.length} started here in ${fmt(grow.openMs / 1000)} s); worker RSS ${fmt(rssOpen / MiB)} MiB`);

      // 2. an empty cache: restart the worker, then let the server give up the old sticky queue
      await ctx.worker.restart();
      const rssEmpty = await settledRss(ctx, STICKY_CUTOFF_MS);
      ctx.log(`worker restarted: RSS ${fmt(rssEmpty / MiB)} MiB with an empty cache (up to ${cache.size} workflows, from ${cache.source})`);

      // 3. the price of eviction, on cases nobody has touched since the restart
      const api = new ApiClient(ctx.apiUrl);
      // escalated cases (their township task open) that are still running
      const township = (
        await ctx.prisma.task.findMany({
          where: { caseId: { startsWith: cases.tag }, tier: 'TOWNSHIP', state: 'OPEN' },
          select: { id: true, caseId: true },
          orderBy: { caseId: 'asc' },
        })
      ).filter((t) => !cases.terminated.has(t.caseId));
      const escalatedIds = new Set(township.map((t) => t.caseId));
      const villageIds = live.filter((id) => !escalatedIds.has(id));
      const actionTargets = township.length >= sample ? township.slice(0, sample).map((t) => ({ caseId: t.caseId, taskId: t.id })) : [];
      const queryTargets = villageIds.slice(-sample);
      const comment = async (taskId: string, text: string) => (await api.expect(200, 'POST', `/api/tasks/${encodeURIComponent(taskId)}/comment`, { as: 'dhm.handler', body: { text } })).ms;
      const query = async (caseId: string) => {
        const t = performance.now();
        await ctx.temporal.client.workflow.getHandle(caseId).query(stateQuery);
        return performance.now() - t;
      };
      await api.token('dhm.handler');
      const actionEvicted: number[] = [];
      const actionCached: number[] = [];
      for (const t of actionTargets) {
        actionEvicted.push(await comment(t.taskId, '基准：首次批注（未缓存）'));
        actionCached.push(await comment(t.taskId, '基准：再次批注（已缓存）'));
      }
      const queryEvicted: number[] = [];
      const queryCached: number[] = [];
      for (const id of queryTargets) {
        queryEvicted.push(await query(id));
        queryCached.push(await query(id));
      }
      const aE = summarize(actionEvicted);
      const aC = summarize(actionCached);
      const qE = summarize(queryEvicted);
      const qC = summarize(queryCached);
      ctx.log(`comment: ${fmt(aE.p50)} ms evicted vs ${fmt(aC.p50)} ms cached; query: ${fmt(qE.p50)} ms vs ${fmt(qC.p50)} ms (p50)`);

      // 4. fill the cache: query open cases in steps, RSS after each
      const touchTotal = Math.min(live.length, Math.round(cache.size * 1.25));
      const step = Math.max(1, Math.round(touchTotal / 10));
      const curve: { touched: number; rss: number }[] = [{ touched: 0, rss: await settledRss(ctx, 500) }];
      const order = [...live].reverse(); // newest first: the cases with the longest histories (escalated) last
      let touched = 0;
      let queryErrors = 0;
      const tf = performance.now();
      while (touched < touchTotal) {
        const batch = order.slice(touched, Math.min(touchTotal, touched + step));
        const r = await closedLoop({ concurrency: 8, count: batch.length }, (i) => query(batch[i]));
        queryErrors += r.errors;
        touched += batch.length;
        curve.push({ touched, rss: await settledRss(ctx, 1_000) });
      }
      const fillMs = performance.now() - tf;
      const rssFull = curve[curve.length - 1].rss;
      ctx.log(`${touched} cases queried in ${fmt(fillMs / 1000)} s; RSS ${curve.map((c) => `${c.touched}:${fmt(c.rss / MiB, 0)}`).join(' ')} MiB`);
      const filling = curve.filter((c) => c.touched <= cache.size).map((c) => ({ x: c.touched, y: c.rss }));
      const perCached = slope(filling);
      const rss100kCached = rssEmpty + perCached * TARGET_OPEN;
      const rssCapped = rssEmpty + perCached * Math.min(cache.size, TARGET_OPEN);
      const heapMiB = v8.getHeapStatistics().heap_size_limit / MiB;
      // what eviction costs an action; run alone (no escalated cases to comment on), what it costs a query
      const replayMs = Number.isFinite(aE.p50 - aC.p50) ? aE.p50 - aC.p50 : qE.p50 - qC.p50;

      // what one cached workflow's own module instances weigh, and how much of it is the FEEL interpreter
      const workflowsPath = path.join(ctx.root, 'workflows');
      const modules = await moduleHeapPerWorkflow(workflowsPath, { runs: 200 });
      const noFeel = await moduleHeapPerWorkflow(workflowsPath, { ignoreModules: ['feelin'], runs: 200 });
      // feelin is bundled but instantiated only when a condition needs it: what remains of it per workflow (≈ 0 within the measurement's noise)
      const feelKiB = Math.max(0, modules.perWorkflowBytes - noFeel.perWorkflowBytes) / 1024;
      // RSS while the cache was full and cases kept coming (the timers section's starts): live data plus garbage not yet collected
      const fullSamples = cases.rss.filter((x) => x.open > cache.size && Number.isFinite(x.rss));
      const rssFullUnderLoad = fullSamples.length ? Math.max(...fullSamples.map((x) => x.rss)) : NaN;
      const fitsHeap = Number.isFinite(rssCapped) && Math.max(rssCapped, rssFullUnderLoad || 0) < heapMiB * MiB;

      const rows: BenchRow[] = [
        { measure: 'open case workflows on one worker (measured)', value: open },
        { measure: `worker RSS with ${open} open cases`, value: rssOpen / MiB, unit: 'MiB' },
        { measure: `sticky cache size (maxCachedWorkflows, ${cache.source})`, value: cache.size },
        { measure: 'worker RSS, cache empty (after a restart)', value: rssEmpty / MiB, unit: 'MiB' },
        { measure: `worker RSS, ${Math.min(touched, cache.size)} workflows cached`, value: rssFull / MiB, unit: 'MiB' },
        { measure: 'memory per cached case workflow', value: perCached / 1024, unit: 'KiB', target: `≤ ${MEMORY_TARGET_KIB} KiB`, met: Number.isFinite(perCached) ? perCached / 1024 <= MEMORY_TARGET_KIB : undefined },
        {
          measure: `worker RSS at ${TARGET_OPEN / 1000} k open cases (extrapolated; ${Math.min(cache.size, TARGET_OPEN)} cached, the rest evicted)`,
          value: rssCapped / MiB,
          unit: 'MiB',
          target: `${TARGET_OPEN / 1000} k open cases`,
          met: fitsHeap && replayMs < 1_000,
        },
        ...(fullSamples.length ? [{ measure: `worker RSS while up to ${Math.max(...fullSamples.map((x) => x.open))} cases were open and more starting (cache full), max`, value: rssFullUnderLoad / MiB, unit: 'MiB' }] : []),
        { measure: `worker memory to cache all ${TARGET_OPEN / 1000} k (extrapolated)`, value: rss100kCached / 2 ** 30, unit: 'GiB' },
        { measure: "one workflow's own instances of the bundle's modules (heap)", value: modules.perWorkflowBytes / 1024, unit: 'KiB' },
        { measure: '… of which the FEEL interpreter (feelin)', value: feelKiB, unit: 'KiB' },
        { measure: 'action on an evicted case (API comment, replay first), p50', value: aE.p50, unit: 'ms' },
        { measure: 'the same action on the case once cached, p50', value: aC.p50, unit: 'ms' },
        { measure: 'query on an evicted / a cached case, p50', value: `${fmt(qE.p50)} / ${fmt(qC.p50)}`, unit: 'ms' },
      ];
      notes.push(
        `Open cases are not held by the worker: a case waiting on people or on its deadline is a workflow whose state is its history in Temporal and whose timers are kept by the server. The worker caches at most ${cache.size} of them (sticky cache, LRU); an evicted case stays open and loses nothing, and its next event (timer, action, query) makes the worker fetch its history and replay it: here ${fmt(replayMs)} ms more for a comment on an evicted case (p50 ${fmt(aE.p50)} ms against ${fmt(aC.p50)} ms cached), ${fmt(qE.p50 - qC.p50)} ms more for a query. So ${TARGET_OPEN / 1000} k open cases need no more worker memory than ${cache.size} (about ${fmt(rssCapped / MiB, 0)} MiB); what they need is Temporal persistence for their histories and timers, and replays for the cases that wake up after being evicted.`,
        `Memory: ${fmt(perCached / 1024)} KiB of RSS per cached case workflow (slope of RSS while ${Math.min(touched, cache.size)} cases were replayed into the emptied cache by \`state\` queries; RSS after each step of ${step}: ${curve.map((c) => `${c.touched} → ${fmt(c.rss / MiB, 0)} MiB`).join(', ')}). Caching all ${TARGET_OPEN / 1000} k would take about ${fmt(rss100kCached / 2 ** 30)} GiB, far beyond the worker's ${fmt(heapMiB / 1024)} GiB heap limit, which the SDK's default cache size (${cache.size}) is derived from; at that size the worker's live memory stays near ${fmt(rssCapped / MiB, 0)} MiB however many cases are open${fullSamples.length ? ` (its RSS, garbage included, peaked at ${fmt(rssFullUnderLoad / MiB, 0)} MiB while cases kept starting with the cache full, and stayed there: the cache, not the number of open cases, bounds it)` : ''}.`,
        `What a cached case weighs: with the SDK's reusable V8 context every workflow gets its own webpack module cache, so each cached case instantiates every module of the workflow bundle (${fmt(modules.bundleBytes / 2 ** 20)} MiB of code) it runs once more: ${fmt(modules.perWorkflowBytes / 1024, 0)} KiB of heap per workflow (bench/lib/workflow-memory.ts), ${fmt(feelKiB, 0)} KiB of it the FEEL interpreter (feelin: the difference to ${fmt(noFeel.perWorkflowBytes / 1024, 0)} KiB with feelin left out of the bundle; a few KiB are this measurement's noise). Gateway conditions are compiled into JSON trees when a process is deployed (process/feel.ts, FlowModel.conditionTree) and evaluated by process/condition.ts, which requires feelin lazily, only for a condition without a tree (a version deployed before trees whose model was not loaded through the case start, or an expression the tree cannot hold): so a case of the reference processes no longer instantiates feelin (it did, 394 KiB of the 438 KiB per workflow, until issue 15). The rest of a cached case's ${fmt(perCached / 1024, 0)} KiB of RSS is not the bundle's modules: the SDK's per-workflow state (its workflow context and globals in V8, the run's state machines in the SDK's Rust core) and the case's own (the process model it was started with, its engine state, open tasks and timers), with garbage not yet collected in the slope (not broken down here).${perCached / 1024 > MEMORY_TARGET_KIB ? ` Target ≤ ${MEMORY_TARGET_KIB} KiB missed: what would cut the rest is sharing what every case of a version holds alike (the process model, today a copy per workflow from its start input) across workflows, which the SDK's per-workflow isolation does not offer, or fewer module instances per workflow (a smaller workflow bundle: the engine's modules are instantiated in every cached workflow).` : ''} GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS (with a larger --max-old-space-size) or more workers (each caches its own) raise the number of cases kept hot.`,
        `RSS while the open cases grew (worker RSS against cases open): ${rssCurve(cases.rss)}. RSS of a running worker includes garbage not yet collected, so single readings are noisy; the slope over the fill is the estimate.`,
      );
      if (queryErrors) notes.push(`${queryErrors} queries failed while filling the cache.`);
      if (grow.errors) notes.push(`${grow.errors} case starts failed: ${grow.errorSamples[0] ?? ''}`);
      return {
        id: 'openCases',
        title: TITLE,
        rows,
        notes,
        details: {
          cache,
          open,
          fromTimers: before - cases.terminated.size,
          grown: { cases: grow.ids.length, ms: grow.openMs, errors: grow.errors },
          rssMiB: { beforeGrowing: rssBefore / MiB, open: rssOpen / MiB, empty: rssEmpty / MiB, full: rssFull / MiB, fullUnderLoadMax: rssFullUnderLoad / MiB },
          fill: { touched, ms: fillMs, step, curve: curve.map((c) => ({ touched: c.touched, rssMiB: c.rss / MiB })), errors: queryErrors },
          perCachedKiB: perCached / 1024,
          extrapolated: { cappedMiB: rssCapped / MiB, allCachedGiB: rss100kCached / 2 ** 30, heapLimitMiB: heapMiB, fitsHeap },
          modules: { bundleBytes: modules.bundleBytes, perWorkflowKiB: modules.perWorkflowBytes / 1024, withoutFeelinKiB: noFeel.perWorkflowBytes / 1024 },
          eviction: { actionEvicted: aE, actionCached: aC, queryEvicted: qE, queryCached: qC },
          growth: cases.rss.map((s) => ({ t: new Date(s.t).toISOString(), open: s.open, rssMiB: s.rss / MiB })),
        },
      };
    } finally {
      const t = await terminateBenchCases(ctx);
      if (t.count) notes.push(`${t.count} bench case workflows terminated in ${fmt(t.ms / 1000)} s (${fmt(t.count / Math.max(0.001, t.ms / 1000))}/s, 128 at a time)${t.errors ? `; ${t.errors} failed` : ''}.`);
    }
  },
};

function rssCurve(samples: RssSample[]): string {
  if (!samples.length) return 'no samples';
  const picks: RssSample[] = [];
  const stepOpen = Math.max(1, Math.round(samples[samples.length - 1].open / 8));
  let next = 0;
  for (const s of samples) {
    if (s.open >= next) {
      picks.push(s);
      next = s.open + stepOpen;
    }
  }
  return picks.map((s) => `${s.open} → ${fmt(s.rss / MiB, 0)} MiB`).join(', ');
}
