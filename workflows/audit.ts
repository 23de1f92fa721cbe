/**
 * The daily audit checkpoint (started by the schedule platform/temporal/schedules.ts creates):
 * one signed checkpoint per district of the chain heads that moved since the last one.
 */
import { proxyActivities } from '@temporalio/workflow';

/** One district's checkpoint as written. */
export interface WrittenCheckpoint {
  district: string;
  number: number;
  caseCount: number;
}

/** The activity this workflow calls (activities/checkpoints.ts implements it). */
export interface CheckpointActivities {
  /** One signed checkpoint per district as of `at` (the workflow's start); a retry with the same `at` writes nothing twice. */
  writeAuditCheckpoints(input: { at: string }): Promise<WrittenCheckpoint[]>;
}

const { writeAuditCheckpoints } = proxyActivities<CheckpointActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2, maximumAttempts: 10 },
});

export async function auditCheckpoints(): Promise<WrittenCheckpoint[]> {
  // workflow time: the same on a retry of the activity, so a checkpoint is never written twice
  return writeAuditCheckpoints({ at: new Date().toISOString() });
}
