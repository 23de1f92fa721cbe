/**
 * The deadline activity: deadlines and reminder points counted on the business calendar
 * (domain/calendar.ts). An invalid spec fails the activity without retrying: the same input fails
 * the same way on every retry.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createDeadlineCalculator, InvalidDeadlineSpec, type DeadlineDeps } from '../domain/calendar';
import type { DeadlineSpec } from '../process/business-time';

export type { CalendarKind, DeadlineSpec, WorkingCalendar } from '../process/business-time';

export function createDeadlineActivities(deps: DeadlineDeps) {
  const calculator = createDeadlineCalculator(deps);
  return {
    /** Deadlines (ISO strings) for time limits and reminder points, in input order. */
    async computeDeadlines(input: { specs: DeadlineSpec[] }): Promise<string[]> {
      try {
        return await calculator.computeDeadlines(input);
      } catch (e) {
        if (!(e instanceof InvalidDeadlineSpec)) throw e;
        throw ApplicationFailure.create({ message: e.message, type: 'InvalidDeadlineSpec', nonRetryable: true, cause: e.cause instanceof Error ? e.cause : undefined });
      }
    },
  };
}

export type DeadlineActivities = ReturnType<typeof createDeadlineActivities>;
