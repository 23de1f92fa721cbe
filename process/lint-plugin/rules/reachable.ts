import { gridcaseRule } from '../rule';

/**
 * Every element is reachable from the start event.
 */
export default function reachable() {
  return gridcaseRule('reachable');
}
