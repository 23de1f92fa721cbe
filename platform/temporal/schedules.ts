/**
 * Temporal schedules the worker owns: the daily audit checkpoint (workflows/audit.ts), every day at
 * 00:10 Beijing time on the worker's task queue; a run missed while Temporal or the workers were
 * down is caught up within a day, and two runs never overlap. Created by `npm start` and
 * `npm run worker` when missing (every worker may try: the first one creates it).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const auditScheduleId = (taskQueue: string) => `gridcase-audit-checkpoints-${taskQueue}`;

export async function ensureAuditSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: auditScheduleId(taskQueue),
      spec: { calendars: [{ hour: 0, minute: 10 }], timezone: 'Asia/Shanghai' },
      action: { type: 'startWorkflow', workflowType: 'auditCheckpoints', taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { what: 'GridCase: one signed audit checkpoint per district a day' },
    });
    return 'created';
  } catch (e) {
    if (e instanceof ScheduleAlreadyRunning) return 'exists';
    throw e;
  }
}
