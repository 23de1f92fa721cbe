/**
 * The bare-Temporal baseline of the timers section (`npm run bench`, section `timers`): a workflow
 * that sleeps until a given instant (one Temporal timer) and then writes one row ('wake', stamped
 * with the time it was written) into `bench_baseline_rows` through the baseline's writeRow
 * activity. Its history: start, one workflow task that arms the timer, TimerFired, one workflow
 * task that schedules the activity, the activity, one workflow task that completes.
 *
 * What a GridCase escalation does at its deadline, without the product: no process engine, no
 * case lock, no Prisma, no second timer. Run by the baseline worker (bench/baseline-worker.ts).
 * Not GridCase workflow code (it is never deployed), but kept deterministic all the same.
 */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';

export const BASELINE_TIMER_WORKFLOW_TYPE = 'baselineTimerWorkflow';
/** the step of the row the workflow writes when it wakes */
export const BASELINE_TIMER_STEP = 'wake';

export interface BaselineTimerInput {
  /** when to wake, ms since the epoch */
  wakeAt: number;
}

const acts = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

export async function baselineTimerWorkflow(input: BaselineTimerInput): Promise<void> {
  // Date.now() in a workflow is the time of the current workflow task (deterministic on replay)
  const ms = input.wakeAt - Date.now();
  if (ms > 0) await sleep(ms);
  await acts.writeRow({ workflowId: workflowInfo().workflowId, step: BASELINE_TIMER_STEP });
}
