/**
 * Builds the GridCase worker: the workflows (workflows/, bundled from source or prebuilt) plus
 * these activities, on a connection the caller opened (platform/temporal/worker.ts).
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '.';

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built bundle (production, tests reusing one bundle); otherwise bundled from source at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Sticky cache size (GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS). Unset: the SDK's default, which
   * @temporalio/worker 1.24 derives from the heap size limit: max(floor((heap MiB - 200) × 600 / 1024), 10),
   * e.g. 2310 with the 4 GiB heap Node gives a machine of 16 GiB or more. A workflow that is not cached
   * stays open in Temporal; its next workflow task replays its history first.
   */
  maxCachedWorkflows?: number;
  /**
   * How long a workflow task waits on this worker's sticky queue before the server hands it to the
   * task queue shared by all workers, where it waits again (GRIDCASE_WORKER_STICKY_TIMEOUT_MS,
   * 60 s; unset here: the SDK's 10 s). With a backlog longer than the timeout (many deadlines at
   * once: bench section Timers) the short default sends tasks round twice.
   */
  stickyQueueScheduleToStartTimeoutMs?: number;
  /** Concurrent workflow-task polls (GRIDCASE_WORKER_WORKFLOW_TASK_POLLS, 20; unset here: the SDK's 10). */
  maxConcurrentWorkflowTaskPolls?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.stickyQueueScheduleToStartTimeoutMs !== undefined ? { stickyQueueScheduleToStartTimeout: opts.stickyQueueScheduleToStartTimeoutMs } : {}),
    ...(opts.maxConcurrentWorkflowTaskPolls !== undefined ? { maxConcurrentWorkflowTaskPolls: opts.maxConcurrentWorkflowTaskPolls } : {}),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
}
