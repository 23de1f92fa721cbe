import { gridcaseRule } from '../rule';

/**
 * Message events name a message (messageRef to a bpmn:message with a name).
 */
export default function message() {
  return gridcaseRule('message');
}
