import { gridcaseRule } from '../rule';

/**
 * A gateway's default flow leaves that gateway.
 */
export default function gateway() {
  return gridcaseRule('gateway');
}
