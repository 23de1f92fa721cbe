import { gridcaseRule } from '../rule';

/**
 * A deciding gateway with conditions has a default flow; a default flow has no condition; a
 * parallel gateway has none.
 */
export default function gatewayDefault() {
  return gridcaseRule('gateway-default');
}
