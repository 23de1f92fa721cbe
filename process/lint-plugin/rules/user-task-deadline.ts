import { gridcaseRule } from '../rule';

/**
 * Every user task has a deadline (grid:deadline): an ISO 8601 duration or "category".
 */
export default function userTaskDeadline() {
  return gridcaseRule('user-task-deadline');
}
