import { gridcaseRule } from '../rule';

/**
 * Every user task has an assignee rule (grid:assignee) that parses.
 */
export default function userTaskAssignee() {
  return gridcaseRule('user-task-assignee');
}
