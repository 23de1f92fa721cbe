import { gridcaseRule } from '../rule';

/**
 * Exactly one (blank) start event in the process and in each sub-process.
 */
export default function start() {
  return gridcaseRule('start');
}
