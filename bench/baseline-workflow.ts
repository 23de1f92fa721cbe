/**
 * The bare-Temporal baseline of `npm run bench` (section `baseline`): a workflow with the same
 * Temporal steps as the smallest GridCase case (reported, then 不予受理: Task_Accept completed with
 * outcome `reject`), but no product code: no process engine, no Prisma, no API. Its activities
 * write one row each into a plain table (`bench_baseline_rows`) of the bench database.
 *
 * The minimal case's history (tests/histories/caseWorkflow-rejected-v1.json) and this one's, step
 * for step (`mirror: true`):
 *
 *   case                                             baseline
 *   start (POST /api/cases → workflow start)         start (client.workflow.start)
 *   applyCaseChange: case row + audit 'report'       writeRow 'report'
 *   prepareTask: who, deadline (reads)               readRows (one SELECT)
 *   applyCaseChange: Task_Accept row + inbox index   writeRow 'task'
 *   timer: Task_Accept's deadline (PT2H)             timer: 2 h in a cancellation scope
 *   update `complete` (outcome reject), accepted     update `complete`, accepted
 *   applyCaseChange: task done, case REJECTED, end   writeRow 'complete'
 *   timer cancelled, update done, workflow done      timer cancelled, update done, workflow done
 *
 * Six workflow tasks, four activities, one timer, one update in both. With `mirror: false` it is
 * the literal reading of the requirement: start → one update → one activity write → complete.
 *
 * Not GridCase workflow code (it is never deployed), but kept deterministic all the same.
 */
import { CancellationScope, allHandlersFinished, condition, defineUpdate, isCancellation, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';

export const BASELINE_WORKFLOW_TYPE = 'baselineWorkflow';

export interface BaselineInput {
  /** the minimal case's steps (three activities and a deadline timer before the update); false: the update only */
  mirror: boolean;
}

export const baselineCompleteUpdate = defineUpdate<{ rows: number }, [{ outcome: string }]>('complete');

const acts = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

export async function baselineWorkflow(input: BaselineInput): Promise<{ rows: number }> {
  const id = workflowInfo().workflowId;
  let ready = !input.mirror;
  let done = false;
  let rows = 0;
  const deadline = new CancellationScope();

  setHandler(
    baselineCompleteUpdate,
    async ({ outcome }) => {
      await condition(() => ready);
      await acts.writeRow({ workflowId: id, step: `complete:${outcome}` });
      rows += 1;
      deadline.cancel();
      done = true;
      return { rows };
    },
    {
      validator: ({ outcome }) => {
        if (done) throw new Error('already completed');
        if (typeof outcome !== 'string' || !outcome) throw new Error('outcome is required');
      },
    },
  );

  if (input.mirror) {
    await acts.writeRow({ workflowId: id, step: 'report' });
    rows += 1;
    await acts.readRows({ workflowId: id });
    await acts.writeRow({ workflowId: id, step: 'task' });
    rows += 1;
    deadline.run(() => sleep('2 hours')).catch((e) => {
      if (!isCancellation(e)) throw e;
    });
    ready = true;
  }

  await condition(() => done);
  await condition(allHandlersFinished);
  return { rows };
}
