import { gridcaseRule } from '../rule';

/**
 * Conditions only on flows out of exclusive or inclusive gateways.
 */
export default function conditionalFlow() {
  return gridcaseRule('conditional-flow');
}
