import { gridcaseRule } from '../rule';

/**
 * Every service task names one of GridCase's activities (grid:action), with the target it needs.
 */
export default function serviceTaskAction() {
  return gridcaseRule('service-task-action');
}
