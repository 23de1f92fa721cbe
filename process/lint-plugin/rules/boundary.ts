import { gridcaseRule } from '../rule';

/**
 * Boundary events are attached to a user task, service task or sub-process; escalation boundary
 * events to a sub-process.
 */
export default function boundary() {
  return gridcaseRule('boundary');
}
