import { gridcaseRule } from '../rule';

/**
 * Every flow out of a deciding gateway has a condition, but its default.
 */
export default function gatewayConditions() {
  return gridcaseRule('gateway-conditions');
}
