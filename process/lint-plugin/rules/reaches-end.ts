import { gridcaseRule } from '../rule';

/**
 * From every element a path reaches an end event: no case is stranded.
 */
export default function reachesEnd() {
  return gridcaseRule('reaches-end');
}
