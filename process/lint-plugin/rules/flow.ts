import { gridcaseRule } from '../rule';

/**
 * Sequence flows are connected at both ends and stay inside their sub-process; boundary events
 * have no incoming flows.
 */
export default function flow() {
  return gridcaseRule('flow');
}
