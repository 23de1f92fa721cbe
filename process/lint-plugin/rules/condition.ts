import { gridcaseRule } from '../rule';

/**
 * Conditions on sequence flows are FEEL expressions, and not empty.
 */
export default function condition() {
  return gridcaseRule('condition');
}
