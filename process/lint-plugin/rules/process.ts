import { gridcaseRule } from '../rule';

/**
 * The diagram holds exactly one process to run: one with flow elements, or exactly one of them
 * marked isExecutable="true".
 */
export default function processRule() {
  return gridcaseRule('process');
}
