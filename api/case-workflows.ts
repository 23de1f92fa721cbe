/**
 * The API's one door to Temporal. Every start, update, signal, query and describe of a case
 * workflow goes through here, typed by the workflow's contract (workflows/case-api.ts); and the
 * Temporal errors the services and the HTTP layer tell apart are named here, so no other API
 * module imports the Temporal client.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { TemporalHandle } from '../platform/temporal/client';
import { CASE_WORKFLOW_TYPE, openedUpdate, type CaseOpened, type CaseWorkflowInput } from '../workflows/case-api';

export {
  ServiceError as TemporalServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';

export interface TemporalDeps {
  temporal: TemporalHandle;
  taskQueue: string;
}

/**
 * The `opened` update's id: the request's token (its Idempotency-Key's, else its own), so a retry
 * with the key is answered from the first, and an update of this id never matches another
 * request's case (Temporal answers a repeated update id from the update it already has).
 */
const openedUpdateId = (memo: { idempotency: string }) => `opened:${memo.idempotency}`;

/**
 * Opens a case in one request (update-with-start): starts its workflow (its id is the case number;
 * `memo` travels with it, the request's token) together with the `opened` update, which answers
 * once the workflow has written the case row and its first task. Returns that answer; null when
 * the workflow started but did not open within `waitMs` (no worker running: Temporal holds the
 * case, which opens when a worker comes). WorkflowExecutionAlreadyStartedError when the case
 * number is already a workflow: the id conflict policy is FAIL, not USE_EXISTING, so an update
 * never lands on another request's case (a lagging counter hands out a taken number); the caller
 * tells its own earlier start (the memo) from another's and then asks it with openedCase.
 * Needs a server that accepts multi-operation requests (frontend.enableExecuteMultiOperation): the
 * local temporal CLI 1.9.1 (server 1.32) does without setting it; there is no start-then-poll fallback.
 */
export async function openCaseWorkflow(deps: TemporalDeps, input: CaseWorkflowInput, memo: { idempotency: string }, waitMs: number): Promise<CaseOpened | null> {
  const { client } = deps.temporal;
  const startWorkflowOperation = new WithStartWorkflowOperation(CASE_WORKFLOW_TYPE, {
    workflowId: input.caseId,
    taskQueue: deps.taskQueue,
    args: [input],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    workflowIdConflictPolicy: 'FAIL',
    memo,
  });
  try {
    return await client.withDeadline(Date.now() + waitMs, () => client.workflow.executeUpdateWithStart(openedUpdate, { startWorkflowOperation, updateId: openedUpdateId(memo) }));
  } catch (e) {
    if (!(e instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw e;
    // out of time: started (its handle resolved, or Temporal has it with this memo) but not yet opened
    if (await startWorkflowOperation.workflowHandle().then(() => true, () => false)) return null;
    const d = await client.workflow.getHandle(input.caseId).describe().catch(() => undefined);
    if (d && d.memo?.idempotency === memo.idempotency) return null;
    throw e;
  }
}

/** The `opened` answer of a case an earlier attempt with this memo started (same update id: answered once); null as openCaseWorkflow. */
export async function openedCase(deps: TemporalDeps, caseId: string, memo: { idempotency: string }, waitMs: number): Promise<CaseOpened | null> {
  const { client } = deps.temporal;
  try {
    return await client.withDeadline(Date.now() + waitMs, () => client.workflow.getHandle(caseId).executeUpdate(openedUpdate, { updateId: openedUpdateId(memo) }));
  } catch (e) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return null;
    throw e;
  }
}

export { WorkflowExecutionAlreadyStartedError };

/** One case's workflow: updates (with the caller's idempotency key as update id), signals, queries. */
export function caseWorkflow(deps: Pick<TemporalDeps, 'temporal'>, caseId: string) {
  const handle = deps.temporal.client.workflow.getHandle(caseId);
  return {
    update<R, A extends [unknown, ...unknown[]]>(def: UpdateDefinition<R, A>, args: A, updateId?: string): Promise<R> {
      return handle.executeUpdate(def, { args, ...(updateId !== undefined ? { updateId } : {}) });
    },
    signal<A extends unknown[]>(def: SignalDefinition<A>, ...args: A): Promise<void> {
      return handle.signal(def, ...args);
    },
    query<R>(def: QueryDefinition<R, []>): Promise<R> {
      return handle.query(def);
    },
    /** What Temporal knows of the workflow (its memo, its status); WorkflowNotFoundError when there is none. */
    describe() {
      return handle.describe();
    },
  };
}
