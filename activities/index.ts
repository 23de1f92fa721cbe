/** All activities, built from their dependencies (tests pass what they exercise). */
import { createCaseActivities } from './cases';
import { createCheckpointActivities, type CheckpointDeps } from './checkpoints';
import { createDeadlineActivities } from './deadlines';
import { createNoticeActivities, type NoticeDeps } from './notice';

export type ActivityDeps = NoticeDeps & CheckpointDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createNoticeActivities(deps),
    ...createDeadlineActivities(deps),
    ...createCaseActivities(deps),
    ...createCheckpointActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
