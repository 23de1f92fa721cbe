import { gridcaseRule } from '../rule';

/**
 * Only elements the case workflow runs (start and end events, user and service tasks, exclusive,
 * parallel and inclusive gateways, embedded sub-processes, timer, message and escalation events);
 * every element has an id.
 */
export default function supported() {
  return gridcaseRule('supported');
}
