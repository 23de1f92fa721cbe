/**
 * Baseline: a bare Temporal workflow with the same steps as the smallest case (see
 * bench/baseline-workflow.ts for the step-by-step correspondence), run by its own worker process
 * on its own task queue, writing plain rows into `bench_baseline_rows` of the bench database.
 * Closed loops at the same levels as the intake section's case throughput; the numbers go to
 * ctx.shared.baseline for the ratio.
 *
 * One operation, like the case's (intake section): start the workflow; wait for the 'task' row the
 * way POST /api/cases waits for the case row (the same polling: 10, 20, 40, then every 50 ms);
 * send the `complete` update and wait for its answer (the workflow completes in the same workflow
 * task as the update).
 */
import crypto from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { config } from '../../platform/config';
import { BASELINE_TABLE } from '../baseline-activities';
import { BASELINE_WORKFLOW_TYPE, baselineCompleteUpdate, type BaselineInput } from '../baseline-workflow';
import { startBaselineWorker } from '../lib/baseline-process';
import { backgroundBusy, contention, CpuMeter, cpuPer, describeCpu, servicePids } from '../lib/cpu';
import { activityFailures } from '../lib/log-watch';
import { sleep } from '../lib/load';
import { fmt, summarize } from '../lib/stats';
import { measuredClosedLoop, throughputPlan, type BaselineShared, type LevelResult } from '../lib/throughput';
import type { BenchRow, BenchSection } from '../lib/types';

const TITLE = 'Baseline (bare Temporal)';

export const baselineSection: BenchSection = {
  id: 'baseline',
  title: TITLE,
  async run(ctx) {
    const cfg = config();
    const plan = throughputPlan(ctx.quick);
    const taskQueue = `${ctx.taskQueue}-baseline`;
    const run = crypto.randomBytes(3).toString('hex');
    // the owner creates and drops the scratch table; the baseline worker writes its rows as the application
    const base = await startBaselineWorker(ctx, { taskQueue, label: 'baseline-worker' });
    const { worker, pool } = base;
    // the machine is shared: how busy it is before this section puts any load on it
    const idleBusy = await backgroundBusy();
    const services = servicePids(cfg.dataDir);
    const meter = new CpuMeter(() => ({ 'baseline worker': worker.pid, temporal: services.temporal, mariadb: services.mariadb }));
    const client = ctx.temporal.client;
    const open = new Set<string>();
    let n = 0;
    let lastMirrored: string | undefined;

    /** start → wait for the 'task' row (as intake waits for the case row) → update → answer */
    const operation = (mirror: boolean) => async () => {
      const workflowId = `bench-baseline-${run}-${++n}`;
      const t0 = performance.now();
      open.add(workflowId);
      const handle = await client.workflow.start(BASELINE_WORKFLOW_TYPE, { workflowId, taskQueue, args: [{ mirror } satisfies BaselineInput], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
      if (mirror) {
        const until = Date.now() + 30_000;
        for (let wait = 10; ; wait = Math.min(wait * 2, 50)) {
          const rows = (await pool.query(`SELECT id FROM \`${BASELINE_TABLE}\` WHERE workflow_id = ? AND step = 'task'`, [workflowId])) as unknown[];
          if (rows.length) break;
          if (Date.now() > until) throw new Error(`${workflowId}: no task row after 30 s`);
          await sleep(wait);
        }
      }
      const visible = performance.now() - t0;
      const u0 = performance.now();
      await handle.executeUpdate(baselineCompleteUpdate, { args: [{ outcome: 'reject' }], updateId: crypto.randomUUID() });
      const update = performance.now() - u0;
      open.delete(workflowId);
      if (mirror) lastMirrored = workflowId;
      return { total: performance.now() - t0, visible, update };
    };

    const measure = async (concurrency: number, mirror: boolean, durationMs = plan.durationMs): Promise<LevelResult & { visible: ReturnType<typeof summarize>; update: ReturnType<typeof summarize> }> => {
      const r = await measuredClosedLoop({ ...plan, durationMs }, concurrency, meter, operation(mirror));
      const perSecond = r.ok.length / (r.elapsedMs / 1000);
      const result = {
        concurrency,
        perSecond,
        completed: r.ok.length,
        errors: r.errors,
        errorSamples: r.errorSamples,
        latency: summarize(r.ok.map((x) => x.total)),
        visible: summarize(r.ok.map((x) => x.visible)),
        update: summarize(r.ok.map((x) => x.update)),
        cpu: r.cpu,
        cpuPer: cpuPer(r.cpu, Math.max(1, r.ok.length)),
      };
      ctx.log(
        `baseline${mirror ? '' : ' (literal)'} c=${concurrency}: ${fmt(perSecond)} workflows/s, p50 ${fmt(result.latency.p50)} ms, p99 ${fmt(result.latency.p99)} ms, ${r.errors} errors; ${describeCpu(r.cpu, Math.max(1, r.ok.length), 'workflow')}`,
      );
      return result;
    };

    const levels: Awaited<ReturnType<typeof measure>>[] = [];
    let literal: Awaited<ReturnType<typeof measure>> | undefined;
    let rowsPerWorkflow: number;
    let history: { events: number; bytes?: number } | undefined;
    try {
      for (const c of plan.levels) levels.push(await measure(c, true));
      const top = plan.levels[plan.levels.length - 1];
      literal = await measure(top, false, Math.round(plan.durationMs / 2));
      const [{ completions, wfs }] = (await pool.query(`SELECT COUNT(*) AS completions, COUNT(DISTINCT workflow_id) AS wfs FROM \`${BASELINE_TABLE}\` WHERE step LIKE 'complete%'`)) as Array<{ completions: bigint; wfs: bigint }>;
      // rows of the mirrored workflows that completed (they wrote 'task' and 'complete…'); 3 each
      const [{ all, m }] = (await pool.query(
        `SELECT COUNT(*) AS \`all\`, COUNT(DISTINCT r.workflow_id) AS m FROM \`${BASELINE_TABLE}\` r
          JOIN (SELECT workflow_id FROM \`${BASELINE_TABLE}\` GROUP BY workflow_id HAVING SUM(step = 'task') > 0 AND SUM(step LIKE 'complete%') > 0) done ON done.workflow_id = r.workflow_id`,
      )) as Array<{ all: bigint; m: bigint }>;
      rowsPerWorkflow = Number(all) / Math.max(1, Number(m));
      const d = lastMirrored ? await client.workflow.getHandle(lastMirrored).describe() : undefined;
      history = d && { events: d.historyLength, bytes: d.historySize };
      if (Number(completions) !== Number(wfs)) ctx.log(`baseline: ${completions} completion rows for ${wfs} workflows (an activity ran twice)`);
    } finally {
      // whatever did not finish (errors, a failed run) is terminated; the worker and the scratch table go
      await Promise.all(
        [...open].map((id) =>
          client.workflow
            .getHandle(id)
            .terminate('bench done')
            .catch((e) => (e instanceof WorkflowNotFoundError ? undefined : ctx.log(`baseline: could not terminate ${id}: ${(e as Error).message}`))),
        ),
      );
      await base.stop();
    }

    const failures = activityFailures(base.log.since());
    const peak = levels.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const shared: BaselineShared = { plan, levels, peak: { concurrency: peak.concurrency, perSecond: peak.perSecond }, literal, history };
    ctx.shared.baseline = shared;

    const rows: BenchRow[] = levels.flatMap((l): BenchRow[] => [
      { measure: `workflows/s, ${l.concurrency} callers (closed loop, ${plan.durationMs / 1000} s)`, value: Number(l.perSecond.toFixed(2)), unit: '/s' },
      { measure: `start → update answered, ${l.concurrency} callers, p50 / p95 / p99`, value: `${fmt(l.latency.p50)} / ${fmt(l.latency.p95)} / ${fmt(l.latency.p99)}`, unit: 'ms' },
    ]);
    if (literal) rows.push({ measure: `literal shape (start → update → one write → complete), ${literal.concurrency} callers`, value: Number(literal.perSecond.toFixed(2)), unit: '/s' });
    const errors = levels.reduce((a, l) => a + l.errors, 0) + (literal?.errors ?? 0);
    if (errors) rows.push({ measure: 'errors', value: errors });
    const notes = [
      contention(idleBusy),
      'Same Temporal steps as the smallest case (reported, then 不予受理 at 受理): start; activity writing a row (case: applyCaseChange with the case row and the audit row `report`); activity reading (case: prepareTask); activity writing a row (case: applyCaseChange with the Task_Accept task and its inbox index); a 2 h timer (case: Task_Accept\'s deadline); the update `complete` (case: Task_Accept completed with outcome reject), whose handler runs an activity writing a row (case: applyCaseChange closing the task and ending the case REJECTED); the timer cancelled, the update answered and the workflow completed in one workflow task. Both histories: 6 workflow tasks, 4 activities, 1 timer, 1 update. What the baseline leaves out is the product: HTTP, sign-in checks, intake\'s lookups, the process engine, Prisma and the inbox query.',
      `One operation: start, wait for the 'task' row as POST /api/cases waits for the case row (polling the database at 10, 20, 40, then every 50 ms), then the update. Split at the peak (${peak.concurrency} callers): start → task row visible p50 ${fmt(peak.visible.p50)} / p99 ${fmt(peak.visible.p99)} ms; update round trip p50 ${fmt(peak.update.p50)} / p99 ${fmt(peak.update.p99)} ms. Rows written per completed workflow: ${Number.isFinite(rowsPerWorkflow) ? rowsPerWorkflow.toFixed(2) : '—'} (3 expected); history ${history ? `${history.events} events, ${history.bytes ? `${(history.bytes / 1024).toFixed(1)} KiB` : 'size unknown'}` : '—'}.`,
      `CPU per workflow at the peak: ${peak.cpu ? describeCpu(peak.cpu, Math.max(1, peak.completed), 'workflow') : '—'}. Temporal and MariaDB are shared with anything else running on the machine.`,
    ];
    if (literal) {
      notes.push(
        `The literal reading of the requirement (start → one update → one activity write → complete: 2-3 workflow tasks, 1 activity) does ${fmt(literal.perSecond)} workflows/s at ${literal.concurrency} callers (p99 ${fmt(literal.latency.p99)} ms), ${fmt(literal.perSecond / peak.perSecond, 2)} × the mirrored shape: the cost of the case's three activities and timer before its update, paid by bare Temporal too.`,
      );
    }
    if (failures.count) notes.push(`The baseline worker logged ${failures.count} activity failures (retried): ${JSON.stringify(failures.byType)}.`);
    const samples = [...levels, ...(literal ? [literal] : [])].flatMap((l) => l.errorSamples);
    if (samples.length) notes.push(`Errors: ${[...new Set(samples)].slice(0, 3).join(' | ')}`);
    return {
      id: 'baseline',
      title: TITLE,
      rows,
      notes,
      details: { plan, taskQueue, levels, literal, rowsPerWorkflow, history, activityFailures: failures, machineBusyBeforePct: idleBusy },
    };
  },
};
