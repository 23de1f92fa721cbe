import { gridcaseRule } from '../rule';

/**
 * A user task has at most one grid:form, a JSON Schema in the subset forms support.
 */
export default function form() {
  return gridcaseRule('form');
}
