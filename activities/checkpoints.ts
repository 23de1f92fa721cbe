/** The activity behind the daily audit checkpoints (workflows/audit.ts): domain/audit-checkpoints.ts. */
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../generated/prisma/client';
import { writeCheckpoints } from '../domain/audit-checkpoints';
import type { AuditKey } from '../platform/audit-keys';
import type { CheckpointActivities } from '../workflows/audit-api';

export interface CheckpointDeps {
  prisma: PrismaClient;
  /** GRIDCASE_AUDIT_KEY (the local one under npm start); without it no checkpoint can be signed */
  auditKey?: AuditKey;
}

export function createCheckpointActivities({ prisma, auditKey }: CheckpointDeps): CheckpointActivities {
  return {
    /** One signed checkpoint per district as of `at` (the workflow's start); a retry with the same `at` writes nothing twice. */
    async writeAuditCheckpoints(input: { at: string }) {
      if (!auditKey) throw ApplicationFailure.nonRetryable('this worker has no audit key (GRIDCASE_AUDIT_KEY): it cannot sign checkpoints', 'NoAuditKey');
      return writeCheckpoints(prisma, auditKey, { now: new Date(input.at) });
    },
  };
}

export type { CheckpointActivities } from '../workflows/audit-api';
