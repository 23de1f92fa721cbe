/**
 * The API's one door to Temporal. Every start, update, signal, query and describe of a case
 * workflow goes through here, typed by the workflow's contract (workflows/case-api.ts); and the
 * Temporal errors the services and the HTTP layer tell apart are named here, so no other API
 * module imports the Temporal client.
 */
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { startCase } from '../domain/case-start';
import type { TemporalHandle } from '../platform/temporal/client';
import type { CaseWorkflowInput } from '../workflows/case-api';

export {
  ServiceError as TemporalServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';

export interface TemporalDeps {
  temporal: TemporalHandle;
  taskQueue: string;
}

/** Starts a case's workflow (its id is the case number); `memo` travels with it (the idempotency token). */
export function startCaseWorkflow(deps: TemporalDeps, input: CaseWorkflowInput, memo?: Record<string, string>) {
  return startCase(deps.temporal.client, deps.taskQueue, input, memo);
}

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
