import { gridcaseRule } from '../rule';

/**
 * Timers are ISO 8601 (duration, date with a zone, or R<n>/<duration> cycle);
 * grid:relativeTo="deadline" only on boundary events of user tasks.
 */
export default function timer() {
  return gridcaseRule('timer');
}
