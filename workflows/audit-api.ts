/** The daily audit checkpoint's contract: what it writes, and the activity it calls. */

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
