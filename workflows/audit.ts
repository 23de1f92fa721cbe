/**
 * The daily audit checkpoint (started by the schedule platform/temporal/schedules.ts creates):
 * one signed checkpoint per district of the chain heads that moved since the last one.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CheckpointActivities, WrittenCheckpoint } from './audit-api';

const { writeAuditCheckpoints } = proxyActivities<CheckpointActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2, maximumAttempts: 10 },
});

export async function auditCheckpoints(): Promise<WrittenCheckpoint[]> {
  // workflow time: the same on a retry of the activity, so a checkpoint is never written twice
  return writeAuditCheckpoints({ at: new Date().toISOString() });
}
