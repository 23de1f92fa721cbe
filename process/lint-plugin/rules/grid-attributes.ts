import { gridcaseRule } from '../rule';

/**
 * grid:status, grid:calendar, grid:reminders, grid:outcomes and grid:priority are well formed.
 */
export default function gridAttributes() {
  return gridcaseRule('grid-attributes');
}
